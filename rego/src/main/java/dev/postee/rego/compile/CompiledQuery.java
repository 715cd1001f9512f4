package dev.postee.rego.compile;

/** A compiled query: body, frame size, and the user-visible variables to report. */
public record CompiledQuery(IR.Body body, int frameSize, String[] varNames, int[] varSlots) {}
