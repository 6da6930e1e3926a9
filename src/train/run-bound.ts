// How much input one ONNX Runtime run is given, for train (x of K batches) and predict (a batch of windows): the
// runtime's working memory is a multiple of it, so long series are fed in several runs and memory stays bounded.

/** Input values per session run: 4M floats, 16 MB. */
export const MAX_RUN_VALUES = 1 << 22;
