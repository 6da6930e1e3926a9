"""PyTorch side of the agreement check: torch.nn.LSTM + ReLU + Linear, MSELoss, torch.optim.Adam (with zero_grad),
from the initial weights and the batches the Node side hands over in a job file. Prints one line
`AGREEMENT {json}` with the per-step losses and the step-0 gradients (PyTorch layout, gate blocks i, f, g, o)."""
import json
import sys

import torch
from torch import nn


def main(path, device):
    job = json.load(open(path))
    h = job["hidden"]
    torch.manual_seed(0)
    lstm = nn.LSTM(input_size=1, hidden_size=h, num_layers=1, batch_first=True).to(device)
    fc = nn.Linear(h, 1).to(device)
    w = job["weights"]
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(w["weight_ih"]).view(4 * h, 1))
        lstm.weight_hh_l0.copy_(torch.tensor(w["weight_hh"]).view(4 * h, h))
        lstm.bias_ih_l0.copy_(torch.tensor(w["bias_ih"]))
        lstm.bias_hh_l0.copy_(torch.tensor(w["bias_hh"]))
        fc.weight.copy_(torch.tensor(w["fc_weight"]).view(1, h))
        fc.bias.copy_(torch.tensor(w["fc_bias"]))
    params = list(lstm.parameters()) + list(fc.parameters())
    opt = torch.optim.Adam(params, lr=job["lr"])
    loss_fn = nn.MSELoss()
    losses, grads0 = [], None
    for k, b in enumerate(job["batches"]):
        x = torch.tensor(b["x"], device=device).view(-1, job["window"], 1)
        y = torch.tensor(b["y"], device=device).view(-1, 1)
        opt.zero_grad()
        out, _ = lstm(x)
        loss = loss_fn(fc(torch.relu(out[:, -1, :])), y)
        loss.backward()
        if k == 0:
            grads0 = {
                "weight_ih": lstm.weight_ih_l0.grad.flatten().tolist(), "weight_hh": lstm.weight_hh_l0.grad.flatten().tolist(),
                "bias_ih": lstm.bias_ih_l0.grad.tolist(), "bias_hh": lstm.bias_hh_l0.grad.tolist(),
                "fc_weight": fc.weight.grad.flatten().tolist(), "fc_bias": fc.bias.grad.tolist(),
            }
        opt.step()
        losses.append(loss.item())
    print("AGREEMENT " + json.dumps({"torch": torch.__version__, "device": device, "losses": losses, "grads0": grads0}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "cpu")
