"""Child: PyTorch eager on the CPU, timed at one size at a time for the scaling grid.

Reads one JSON request per line on stdin:
  {"hidden", "window", "batch", "threads", "repeats", "budget_ms"}
and answers each with one line `GRID_RESULT {"ms_per_step": [...], "threads": n}`: the tutorial's model (LSTM ->
last step -> ReLU -> Linear) and loop (zero_grad, MSE, backward, Adam step, loss read) on synthetic sine windows,
one warm-up, then `repeats` timings of about `budget_ms` each. One process serves the whole grid, so torch is
imported once; `torch.set_num_threads` is set per request.
"""
import json
import math
import sys
import time

import torch
from torch_model import Forecaster



def measure(req):
    torch.set_num_threads(req["threads"])
    torch.manual_seed(1)
    win, batch = req["window"], req["batch"]
    phase = torch.rand(batch, 1) * 2 * math.pi
    t = torch.arange(win + 1, dtype=torch.float32) * 0.0175
    series = torch.sin(phase + t)
    x, y = series[:, :win].unsqueeze(-1).contiguous(), series[:, win:].contiguous()
    model = Forecaster(req["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = torch.nn.MSELoss()

    def steps(n):
        t0 = time.perf_counter()
        for _ in range(n):
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()
        return (time.perf_counter() - t0) * 1000 / n

    one = steps(2)  # warm-up
    n = max(1, min(200, round(req["budget_ms"] / max(one, 1e-3))))
    return [steps(n) for _ in range(req["repeats"])]


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        ms = measure(req)
        print("GRID_RESULT " + json.dumps({"ms_per_step": ms, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
