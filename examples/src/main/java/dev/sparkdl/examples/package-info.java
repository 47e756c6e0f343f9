/** Runnable programs started by {@code examples/run NAME}; each ends with one {@code RESULT {json}} line. */
package dev.sparkdl.examples;
