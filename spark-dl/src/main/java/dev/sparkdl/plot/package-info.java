/**
 * Plots as PNG images, drawn with XChart: a training {@link dev.sparkdl.plot.HistoryPlot} (one
 * panel per metric, train against validation by epoch) and a classifier's {@link
 * dev.sparkdl.plot.DecisionBoundaryPlot} over two features. Nothing here knows Spark: the plots
 * take a {@link dev.sparkdl.callbacks.History}, plain arrays and a scoring function; the models
 * in {@code dev.sparkdl.ml} feed them. Images are written to any Hadoop file system path. They
 * render without a display ({@code java.awt.headless=true}, the default on a machine without
 * one).
 */
package dev.sparkdl.plot;
