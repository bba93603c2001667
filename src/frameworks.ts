/** The two frameworks whose semantics fastloss reproduces, and the names users call them by. */

export type Framework = 'tensorflow' | 'pytorch';

/** Accepted spellings (case-insensitive): Keras 3 runs on TensorFlow here, so 'keras' means 'tensorflow'. */
export const FRAMEWORK_SYNONYMS: Readonly<Record<string, Framework>> = {
  tensorflow: 'tensorflow',
  tf: 'tensorflow',
  keras: 'tensorflow',
  pytorch: 'pytorch',
  torch: 'pytorch',
};
