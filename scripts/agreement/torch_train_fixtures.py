"""PyTorch side of the imported-model agreement: trains the modules of test/fixtures/torch (built and initialised by
scripts/fixtures/export_torch.py, from the state each fixture recorded) with torch.optim.Adam and MSELoss, with
zero_grad, on the fixtures' batches in order (batch k % len(batches) at step k). Reads a job on stdin,
{"models": [...], "steps": N, "lr": LR}, and prints {"torch": version, "losses": {model: [loss per step]}}."""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from export_torch import OUT, WINDOW, load_state, make_module  # noqa: E402


def train(name, steps, lr, batches):
    module = make_module(name)
    with open(os.path.join(OUT, f"{name}.json")) as f:
        load_state(module, json.load(f)["state"])
    module.train()
    opt = torch.optim.Adam(module.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for k in range(steps):
        b = batches[k % len(batches)]
        x = torch.tensor(b["x"]).view(-1, WINDOW, 1)
        y = torch.tensor(b["y"]).view(-1, 1)
        opt.zero_grad()
        loss = loss_fn(module(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    job = json.load(sys.stdin)
    with open(os.path.join(OUT, "batches.json")) as f:
        batches = json.load(f)["batches"]
    losses = {m: train(m, job["steps"], job["lr"], batches) for m in job["models"]}
    print(json.dumps({"torch": torch.__version__, "losses": losses}))


if __name__ == "__main__":
    main()
