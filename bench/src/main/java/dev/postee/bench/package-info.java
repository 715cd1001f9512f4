/** JMH benchmarks; see docs/benchmarks.md for how to run them. */
package dev.postee.bench;
