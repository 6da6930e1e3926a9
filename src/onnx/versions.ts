// The versions the project emits and runs against, in one place.

/** The opset every graph is emitted at: within 17-20, where ONNX Runtime's CUDA EP has Loop, Scan and LSTM. */
export const OPSET = 18;
/** IR version 8 is the newest that opset 18 needs, and the one onnx-proto's schema describes. */
export const IR_VERSION = 8;
/** The IR version an opset needs: 9 from opset 19 on (ONNX's table), ours below. */
export function irVersionFor(opset: number): number {
  return opset >= 19 ? 9 : IR_VERSION;
}
/** onnxruntime-node and onnxruntime-web are pinned to this version (package.json); the CUDA provider must match it. */
export const ONNXRUNTIME_VERSION = '1.29.0';
/** The npm package holding ONNX Runtime's CUDA provider built from exactly that version (CUDA 13). */
export const CUDA_PROVIDER_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9';
export const PRODUCER = 'ingraph';
/** This package's version, as written into manifests. */
export const INGRAPH_VERSION = '0.1.0';
