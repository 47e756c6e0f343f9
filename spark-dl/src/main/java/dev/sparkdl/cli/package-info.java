/**
 * The command line, for {@code spark-submit} and for {@code bin/spark-dl} (Spark's local mode):
 * {@code train --job JOB.json}, {@code score}, {@code evaluate}, {@code summary}, {@code
 * plot}. Exit codes: 0
 * done, 2 a bad job file or command line, 1 a run that failed. docs/cli.md describes the job
 * file.
 */
package dev.sparkdl.cli;
