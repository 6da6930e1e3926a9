"""Drives an artifact folder with Python's onnxruntime, by the documented contract only (README, "The artifacts"):
manifest.json names the input, output and parameters; training_model.onnx takes the input, `target` and every
parameter and gives `loss` and `<name>_grad`; optimizer_model.onnx takes `learning_rate`, `step` and per parameter
`<name>`, `<name>_grad` and its optimizer state and gives `<name>.out` and `<state>.out`. Reads a job on stdin,
{"dir": folder, "lr": LR, "batches": [{"x": [...], "y": [...]}...], "steps": N}, starts from the weights in the
folder's model.onnx and prints {"onnxruntime": version, "losses": [...], "predictions": [... model.onnx on
batches[0] after training ...]}."""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def main():
    job = json.load(sys.stdin)
    d = job["dir"]
    m = json.load(open(os.path.join(d, "manifest.json")))
    files = m["files"]
    inp, out = m["input"], m["output"]
    model = onnx.load(os.path.join(d, files["model"]))
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    params = {p["name"]: weights[p["name"]].astype(np.float32) for p in m["parameters"]}
    state_names = m["optimizer"]["state"]
    state = {p: {s: np.zeros_like(v) for s in state_names} for p, v in params.items()}
    training = ort.InferenceSession(os.path.join(d, files["training"]))
    optimizer = ort.InferenceSession(os.path.join(d, files["optimizer"]))
    example = [int(v) for v in inp["dims"][1:]]
    target = [int(v) for v in out["dims"][1:]]
    losses = []
    for k in range(job["steps"]):
        b = job["batches"][k % len(job["batches"])]
        x = np.array(b["x"], dtype=np.float32).reshape([-1] + example)
        y = np.array(b["y"], dtype=np.float32).reshape([-1] + target)
        feeds = {inp["name"]: x, "target": y, **params}
        names = [o.name for o in training.get_outputs()]
        r = dict(zip(names, training.run(None, feeds)))
        losses.append(float(r["loss"]))
        of = {"learning_rate": np.array([job["lr"]], dtype=np.float32), "step": np.array([k + 1], dtype=np.int64)}
        for p in params:
            of[p] = params[p]
            of[f"{p}_grad"] = r[f"{p}_grad"]
            for s in state_names:
                of[f"{p}.{s}"] = state[p][s]
        onames = [o.name for o in optimizer.get_outputs()]
        q = dict(zip(onames, optimizer.run(None, of)))
        params = {p: q[f"{p}.out"] for p in params}
        state = {p: {s: q[f"{p}.{s}.out"] for s in state_names} for p in params}
    # model.onnx with the trained weights: the folder's graph, its initializers replaced by name.
    for t in model.graph.initializer:
        if t.name in params:
            t.CopyFrom(numpy_helper.from_array(params[t.name], t.name))
    session = ort.InferenceSession(model.SerializeToString())
    x0 = np.array(job["batches"][0]["x"], dtype=np.float32).reshape([-1] + example)
    pred = session.run([out["name"]], {inp["name"]: x0})[0]
    print(json.dumps({"onnxruntime": ort.__version__, "losses": losses, "predictions": pred.flatten().tolist()}))


if __name__ == "__main__":
    main()
