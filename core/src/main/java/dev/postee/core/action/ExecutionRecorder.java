package dev.postee.core.action;

/** Receives every attempt's record (the store's execution log, metrics, tests). */
@FunctionalInterface
public interface ExecutionRecorder {
  void record(ExecutionRecord record);
}
