"""Child: PyTorch eager on the CPU, one thread, the tutorial's loop (with zero_grad) on the trainer's batches.

Reads a job file written by scripts/bench/torch.ts: the training and test rows, every epoch's batches, the initial
weights already in PyTorch's layout (gate blocks i, f, g, o), and the settings. Prints one line
`BENCH_RESULT {json}` with the same fields as the Node children.
"""
import json
import math
import resource
import sys
import time

STARTED = time.perf_counter()
import torch  # noqa: E402  (imported after the clock starts: its import is part of the process's cost)
from torch_model import Forecaster  # noqa: E402



def build(job):
    model = Forecaster(job["hidden"])
    w, h = job["weights"], job["hidden"]
    with torch.no_grad():
        model.lstm.weight_ih_l0.copy_(torch.tensor(w["weight_ih"]).view(4 * h, 1))
        model.lstm.weight_hh_l0.copy_(torch.tensor(w["weight_hh"]).view(4 * h, h))
        model.lstm.bias_ih_l0.copy_(torch.tensor(w["bias_ih"]))
        model.lstm.bias_hh_l0.copy_(torch.tensor(w["bias_hh"]))
        model.fc.weight.copy_(torch.tensor(w["fc_weight"]).view(1, h))
        model.fc.bias.copy_(torch.tensor(w["fc_bias"]))
    return model


def train(model, job, batches, steps):
    opt = torch.optim.Adam(model.parameters(), lr=job["lr"], betas=(job["beta1"], job["beta2"]), eps=job["eps"])
    loss_fn = torch.nn.MSELoss()
    x, y = job["train_x"], job["train_y"]
    for rows in batches[:steps]:
        idx = torch.as_tensor(rows, device=x.device)
        xb, yb = x[idx], y[idx]
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()  # the loss is read every step, as the other contenders do
    return model


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    # The GPU check asks for CUDA or more threads; the CPU benchmark's default is one thread on the CPU.
    device = job.get("device", "cpu")
    torch.set_num_threads(job.get("threads", 1))
    win = job["window"]
    job["train_x"] = torch.tensor(job["train_x"], dtype=torch.float32, device=device).view(-1, win, 1)
    job["train_y"] = torch.tensor(job["train_y"], dtype=torch.float32, device=device).view(-1, 1)
    test_x = torch.tensor(job["test_x"], dtype=torch.float32, device=device).view(-1, win, 1)
    test_y = torch.tensor(job["test_y"], dtype=torch.float32, device=device).view(-1, 1)
    batches = [b for epoch in job["batches"] for b in epoch]
    total = len(batches)
    steps = total if job["steps"] is None else min(job["steps"], total)

    train(build(job).to(device), job, batches, job["warmup_steps"])  # warm-up on a throwaway copy
    model = build(job).to(device)
    t0, cpu0 = time.perf_counter(), time.process_time()
    train(model, job, batches, steps)
    full = steps == total
    mse = None
    if full:
        with torch.no_grad():
            mse = torch.nn.MSELoss()(model(test_x), test_y).item()
    seconds = time.perf_counter() - t0
    cpu_ms = (time.process_time() - cpu0) * 1000
    ms = seconds * 1000 / steps
    result = {
        "train_seconds": seconds if full else ms * total / 1000,
        "ms_per_step": ms,
        "cpu_ms_per_step": cpu_ms / steps,
        "steps_per_second": 1000 / ms,
        "steps": steps,
        "test_mse": mse,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "extrapolated": not full,
        "process_seconds": time.perf_counter() - STARTED,
        "note": f"torch {torch.__version__}, {device}, {torch.get_num_threads()} thread"
        + ("" if full else f"; {steps} of {total} steps timed, total extrapolated"),
    }
    if mse is not None and not math.isfinite(mse):
        result["test_mse"] = None
    print("BENCH_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
