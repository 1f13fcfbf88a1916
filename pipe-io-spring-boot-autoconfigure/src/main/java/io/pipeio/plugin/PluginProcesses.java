package io.pipeio.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pipeio.server.OpenedFifo;
import org.jspecify.annotations.Nullable;

/**
 * How a plug-in's process is set up: its command, working directory and environment (with
 * the channel's pipes and name), and in stdio mode its stdin and stdout on the channel's
 * pipes.
 *
 * @author pipe-io
 */
final class PluginProcesses {

	private PluginProcesses() {
	}

	/**
	 * Start the process; in stdio mode on the channel's FIFOs as opened and checked here,
	 * handed to the JVM through their descriptors, so that a pipe swapped for a link or a
	 * file meanwhile is never opened (the JVM opens stdout with {@code O_TRUNC}).
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @param fifoCheck told of the FIFOs in stdio mode, before the process gets them
	 * @param mark marks the environment of the process and of every process it starts
	 * ({@link InstanceMarks})
	 * @return the process
	 * @throws IOException if it cannot be started, or the FIFOs were refused
	 */
	static Process start(String channel, PluginSettings settings, Path inPipe, Path outPipe,
			PluginSupervisor.FifoCheck fifoCheck, String mark) throws IOException {
		if (!settings.stdio()) {
			return start(settings, builder(channel, settings, inPipe, outPipe, null, null, mark));
		}
		try (OpenedFifo in = OpenedFifo.open(inPipe); OpenedFifo out = OpenedFifo.open(outPipe)) {
			fifoCheck.check(in, out);
			return start(settings, builder(channel, settings, inPipe, outPipe, in.path(), out.path(), mark));
		}
	}

	/**
	 * Start the built process. The JDK's words for a working directory that is gone blame
	 * a missing program ({@code error=2, No such file or directory}), so that case is
	 * named.
	 */
	private static Process start(PluginSettings settings, ProcessBuilder builder) throws IOException {
		try {
			return builder.start();
		}
		catch (IOException ex) {
			Path directory = settings.workingDirectory();
			if (directory != null && !Files.isDirectory(directory)) {
				throw new IOException("its working directory " + directory
						+ " is not a directory (plugin.working-directory): create it or configure another one ("
						+ ex.getMessage() + ")", ex);
			}
			throw ex;
		}
	}

	/**
	 * @param channel the channel name
	 * @param settings how to run the plug-in
	 * @param inPipe the pipe the channel reads (the plug-in's stdout in stdio mode)
	 * @param outPipe the pipe the channel writes (the plug-in's stdin in stdio mode)
	 * @param stdout in stdio mode, the path the JVM opens for the plug-in's stdout: the
	 * in pipe as already opened and checked
	 * @param stdin in stdio mode, the path the JVM opens for the plug-in's stdin: the out
	 * pipe as already opened and checked
	 * @param mark marks the launch's processes
	 * @return the builder of the plug-in's process
	 */
	static ProcessBuilder builder(String channel, PluginSettings settings, Path inPipe, Path outPipe,
			@Nullable Path stdout, @Nullable Path stdin, String mark) {
		ProcessBuilder builder = new ProcessBuilder(settings.command());
		if (settings.workingDirectory() != null) {
			builder.directory(settings.workingDirectory().toFile());
		}
		builder.environment().putAll(settings.environment());
		builder.environment().put("PIPE_IO_IN", inPipe.toString());
		builder.environment().put("PIPE_IO_OUT", outPipe.toString());
		builder.environment().put("PIPE_IO_CHANNEL", channel);
		builder.environment().put(InstanceMarks.VARIABLE, mark);
		if (stdin != null && stdout != null) {
			// The JVM opens the FIFOs: the out pipe's reader end as stdin (the channel
			// holds it open, so this does not block), the in pipe's writer end as stdout
			// (the channel reads it).
			builder.redirectInput(stdin.toFile()).redirectOutput(stdout.toFile());
		}
		else {
			builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		}
		return builder;
	}

}
