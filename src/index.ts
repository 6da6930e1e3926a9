// ingraph as a library: the graph builder and layers, autodiff, optimizers, artifacts, data functions, ONNX I/O,
// and the Node trainer. The CLI (src/cli) and the viewer (web/) use only what is exported here and below.
export { Graph, Namer } from './graph/graph.ts';
export { Value, type Dim, type Shape } from './graph/value.ts';
export { Node, attr, type Attr, type Attrs } from './graph/node.ts';
export { Ops } from './graph/ops.ts';
export { lstm, lstmParamShapes, type LstmParams } from './graph/layers/lstm.ts';
export { linear, type LinearParams } from './graph/layers/linear.ts';
export { forecaster, forecasterModel, initParameters, parameterSpecs, TUTORIAL_MODEL, type ModelConfig, type ParamSpec } from './graph/model.ts';
export { paramLookup, type ForwardOptions, type ModelIO, type TrainableModel } from './graph/trainable.ts';
export { loss, type LossName } from './graph/losses.ts';

export { gradients } from './autodiff/backward.ts';
export { defineGrad, gradRule, registeredOps, type GradContext, type GradOptions, type GradRule, type RecurrenceMode } from './autodiff/registry.ts';

export { adam, sgd, makeOptimizer, type Optimizer, type OptimizerName } from './optim/index.ts';

export { inferenceGraph } from './artifacts/inference.ts';
export { trainingGraph, evalGraph } from './artifacts/training.ts';
export { optimizerGraph } from './artifacts/optimizer.ts';
export { trainStepGraph, flatLayout, TRAIN_STEP, type GraphChoices } from './artifacts/train-step.ts';
export { FlatLayout, type FlatEntry } from './artifacts/flat-layout.ts';
export { TrainStepEngine, NonFiniteError, EpochNonFiniteError, specOf, specFor, type EngineSpec, type EngineState, type OrtModule, type Snapshot } from './engine/engine.ts';
export { buildArtifacts, type ArtifactSpec } from './artifacts/build.ts';
export { FILES, makeManifest, parseManifest, type Manifest, type DataInfo } from './artifacts/manifest.ts';
export { encodeCheckpoint, decodeCheckpoint, CheckpointError, CHECKPOINT_VERSION, type CheckpointState } from './artifacts/checkpoint.ts';

export * from './data/index.ts';
export * from './metrics/index.ts';
export * from './plot/index.ts';

export { Tensor } from './onnx/tensor.ts';
export type { DType } from './onnx/dtype.ts';
export { encodeModel, decodeModel } from './onnx/codec.ts';
export { serializeModel, modelProto, OPSET, IR_VERSION } from './onnx/serialize.ts';
export { inspectModel, type ModelInfo } from './onnx/inspect.ts';
export { OnnxError } from './onnx/errors.ts';
export { UserError } from './errors.ts';

export { train, TrainError, type TrainOptions, type TrainResult, type Metrics, type EpochReport } from './train/trainer.ts';
export { PRESETS, type PresetName, type TrainSettings } from './train/presets.ts';
export { predictSeries } from './train/predict.ts';
export { createSession, resolveEp, EpError, type EpName } from './train/providers.ts';
export { loadModelFile, type LoadedModel } from './node/onnx-file.ts';
export { writeArtifacts } from './node/artifacts.ts';
export { readCsvTable, readCsvColumnFile } from './node/csv-file.ts';
