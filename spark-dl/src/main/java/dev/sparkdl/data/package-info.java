/**
 * Columns to floats: schema checks with messages that name the column and its type, the
 * conversion of feature and label values (Vector, dense or sparse, or array of numbers) into
 * float blocks, and a reader for MNIST's IDX files.
 */
package dev.sparkdl.data;
