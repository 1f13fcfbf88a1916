package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * How a plug-in's process is set up: its command, working directory and environment (with
 * the channel's pipes and name), and in stdio mode its stdin and stdout on the channel's
 * pipes, which must be FIFOs first.
 *
 * @author pipe-io
 */
final class PluginProcesses {

	private static final int S_IFMT = 0170000;

	private static final int S_IFIFO = 0010000;

	private PluginProcesses() {
	}

	/**
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @return the builder of the plug-in's process
	 */
	static ProcessBuilder builder(String channel, PluginSettings settings, Path inPipe, Path outPipe) {
		ProcessBuilder builder = new ProcessBuilder(settings.command());
		if (settings.workingDirectory() != null) {
			builder.directory(settings.workingDirectory().toFile());
		}
		builder.environment().putAll(settings.environment());
		builder.environment().put("PIPE_IO_IN", inPipe.toString());
		builder.environment().put("PIPE_IO_OUT", outPipe.toString());
		builder.environment().put("PIPE_IO_CHANNEL", channel);
		if (settings.stdio()) {
			// The JVM opens the FIFOs: the out pipe's reader end as stdin (the channel
			// holds it open, so this does not block), the in pipe's writer end as stdout
			// (the channel reads it).
			builder.redirectInput(outPipe.toFile()).redirectOutput(inPipe.toFile());
		}
		else {
			builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		}
		return builder;
	}

	/**
	 * Check, without following a link, that each path is a FIFO: for any other file the
	 * JVM would create (or truncate) a regular file when it redirects to it.
	 * @param paths the pipes
	 * @return why one is not usable, or {@code null} if all are FIFOs
	 */
	static @Nullable String notAFifo(Path... paths) {
		for (Path path : paths) {
			try {
				int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
				if ((mode & S_IFMT) != S_IFIFO) {
					return path + " is not a FIFO";
				}
			}
			catch (IOException | RuntimeException ex) {
				return path + " cannot be checked: " + ex;
			}
		}
		return null;
	}

}
