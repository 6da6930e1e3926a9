// Every failure to read or write a model becomes an OnnxError whose message names the file and the problem.
export class OnnxError extends Error {
  override name = 'OnnxError';
}
