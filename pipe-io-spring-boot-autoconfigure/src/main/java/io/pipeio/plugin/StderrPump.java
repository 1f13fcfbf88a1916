package io.pipeio.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Copies a plug-in's stderr, line by line, to a consumer (the log). A line longer than
 * {@link #MAX_LINE_BYTES} is cut and marked, so a plug-in that writes without newlines
 * cannot fill the heap.
 *
 * @author pipe-io
 */
final class StderrPump implements Runnable {

	/** The longest part of a stderr line that is kept. */
	static final int MAX_LINE_BYTES = 4096;

	private final InputStream stderr;

	/** Throws unchecked exceptions only: the supervisor's observer is guarded. */
	private final Consumer<String> lines;

	StderrPump(InputStream stderr, Consumer<String> lines) {
		this.stderr = stderr;
		this.lines = lines;
	}

	/**
	 * Copy a stderr on a daemon thread of its own.
	 * @param stderr the process's stderr
	 * @param threadName the thread's name
	 * @param lines told of each line
	 * @return the thread, started; it ends at the stream's end
	 */
	static Thread start(InputStream stderr, String threadName, Consumer<String> lines) {
		Thread pump = new Thread(new StderrPump(stderr, lines), threadName);
		pump.setDaemon(true);
		pump.start();
		return pump;
	}

	@Override
	public void run() {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		boolean cut = false;
		byte[] buffer = new byte[8192];
		try (InputStream in = this.stderr) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				for (int i = 0; i < read; i++) {
					byte b = buffer[i];
					if (b == '\n') {
						emit(line, cut);
						cut = false;
					}
					else if (line.size() < MAX_LINE_BYTES) {
						line.write(b);
					}
					else {
						cut = true;
					}
				}
			}
		}
		catch (IOException ex) {
			// the process is gone and its pipe closed
		}
		if (line.size() > 0) {
			emit(line, cut);
		}
	}

	private void emit(ByteArrayOutputStream line, boolean cut) {
		String text = line.toString(StandardCharsets.UTF_8);
		line.reset();
		try {
			this.lines.accept(cut ? text + " [...cut at " + MAX_LINE_BYTES + " bytes]" : text);
		}
		catch (RuntimeException ex) {
			// A failing log or observer must not stop the copy (the plug-in would block
			// on a full stderr, or die of SIGPIPE). A checked exception the observer did
			// not declare arrives as an UndeclaredThrowableException (ObserverGuard), so
			// an IOException cannot pass for the end of the plug-in's stderr.
		}
	}

}
