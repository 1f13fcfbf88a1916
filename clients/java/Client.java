/*
 * pipe-io client in plain JDK 17, launched as a single source file:
 *
 *   java Client.java [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
 *   java Client.java --stdio    (plug-in mode: each line in, the line upper-cased out)
 *
 * Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
 * from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
 * missing or not a FIFO, or the server went away, 2 = timed out (no server answering).
 */
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Client {

	static final long TIMEOUT_MS = 10_000;

	static Path dir;

	public static void main(String[] args) throws IOException {
		if (args.length > 0 && args[0].equals("--stdio")) {
			// System.in is buffered: one read(2) per chunk, not per byte. Not System.out: a
			// PrintStream swallows write errors, so a plug-in whose host went away (EPIPE) would
			// run on; a FileOutputStream on fd 1 throws, and writes each reply at once.
			try {
				plugin(System.in, new FileOutputStream(FileDescriptor.out));
			}
			catch (IOException ex) {
				System.err.println("java plug-in: " + ex.getMessage());
				System.exit(1);
			}
			return;
		}
		String tmp = System.getenv("TMPDIR");
		dir = Path.of(args.length > 0 ? args[0] : (tmp == null || tmp.isEmpty() ? "/tmp" : tmp) + "/pipe-io");

		// Watchdog: the overall time budget. Opening a FIFO blocks inside the JVM's native open()
		// when no server holds it, and that cannot be interrupted, so the watchdog ends the JVM.
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(TIMEOUT_MS);
			}
			catch (InterruptedException ex) {
				return;
			}
			System.err.println("timed out after " + TIMEOUT_MS / 1000 + " s (is the server running on " + dir + "?)");
			System.exit(2);
		});
		watchdog.setDaemon(true); // does not keep the JVM alive once main is done
		watchdog.start();

		boolean ok = true;
		// echo: the reply is byte for byte the request.
		ok &= check("echo", "hello pipe-io", reply -> reply.equals("hello pipe-io"));
		// upper: the reply is the line upper-cased. Unicode escapes keep the source ASCII, so the
		// JDK 17 launcher reads it correctly whatever the platform encoding is.
		ok &= check("upper", "h\u00e9llo w\u00f6rld", reply -> reply.equals("H\u00c9LLO W\u00d6RLD"));
		// calc: JSON in, JSON out; the JDK has no JSON parser, a regex on "result" is enough here.
		ok &= check("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}", reply -> {
			Matcher m = Pattern.compile("\"result\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(reply);
			try {
				return m.find() && Double.parseDouble(m.group(1)) == 3; // numeric: 3 and 3.0 both pass
			}
			catch (NumberFormatException ex) { // such as 3.0.0: an unexpected reply, shown as such
				return false;
			}
		});
		System.exit(ok ? 0 : 1);
	}

	interface Check {
		boolean test(String reply) throws Exception;
	}

	static boolean check(String channel, String request, Check check) {
		try {
			String reply = request(channel, request);
			if (check.test(reply)) {
				System.out.println(channel + ": ok");
				return true;
			}
			System.err.println(channel + ": FAILED: unexpected reply '" + escape(reply) + "'");
		}
		catch (EOFException ex) { // the server went away
			// Stop here: the other channels' FIFOs have nobody holding them any more, and
			// opening one would block until the timeout.
			System.err.println(channel + ": FAILED: " + ex.getMessage());
			System.exit(1);
		}
		catch (Exception ex) { // missing FIFO, not a FIFO, malformed reply, ...
			System.err.println(channel + ": FAILED: " + ex);
		}
		return false;
	}

	/** Send one line to a channel and return its reply line (UTF-8, without the newline). */
	static String request(String channel, String line) throws IOException {
		if (line.indexOf('\n') >= 0) {
			// it would be two requests, and the second's reply would answer the next call
			throw new IllegalArgumentException("a line must not contain a newline");
		}
		try (FileChannel in = openFifo(dir.resolve(channel + ".in"), StandardOpenOption.WRITE);
				FileChannel out = openFifo(dir.resolve(channel + ".out"), StandardOpenOption.READ)) {
			// One write of the whole line, newline included.
			Channels.newOutputStream(in).write((line + "\n").getBytes(StandardCharsets.UTF_8));
			return new String(readLine(Channels.newInputStream(out)), StandardCharsets.UTF_8);
		}
		catch (EOFException ex) { // every writer left
			throw new EOFException(channel + ".out closed before a full reply line arrived: the server went away");
		}
	}

	/**
	 * Open a FIFO, refusing anything else. Only WRITE / READ: no CREATE, so a missing FIFO is an
	 * error rather than a new regular file. The JDK cannot fstat an open channel, so the type is
	 * checked on the path just before. With the server running neither open blocks: it holds both
	 * FIFOs open.
	 */
	static FileChannel openFifo(Path path, OpenOption option) throws IOException {
		int mode = (Integer) Files.getAttribute(path, "unix:mode");
		if ((mode & 0170000) != 0010000) { // S_IFMT, S_IFIFO
			throw new IOException(path + " is not a FIFO (is the server running on this directory?)");
		}
		return FileChannel.open(path, option);
	}

	/**
	 * The text with its backslashes and control characters escaped as in a string literal
	 * ({@code \r}, {@code \t}, ...), so that a stray {@code '\r'} at the end of a reply shows.
	 */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder();
		for (char c : text.toCharArray()) {
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case '\r' -> escaped.append("\\r");
				case '\t' -> escaped.append("\\t");
				default -> escaped.append((c < ' ' || c == 0x7f) ? String.format("\\u%04x", (int) c)
						: String.valueOf(c));
			}
		}
		return escaped.toString();
	}

	/**
	 * Plug-in mode: answer each request line with the line upper-cased, as the sample's upper
	 * channel does, until EOF (the host stopped, or died). One reply line per request, flushed at
	 * once: the n-th reply answers the n-th request, and a buffered answer keeps its caller waiting.
	 */
	static void plugin(InputStream stdin, OutputStream stdout) throws IOException {
		System.err.println("java plug-in ready");
		while (true) {
			byte[] line;
			try {
				line = readLine(stdin);
			}
			catch (EOFException ex) { // a last line without '\n' is incomplete: the host drops it too
				return;
			}
			String reply = new String(line, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + "\n";
			stdout.write(reply.getBytes(StandardCharsets.UTF_8));
			stdout.flush();
		}
	}

	/**
	 * Read bytes up to '\n'. Unlike BufferedReader.readLine this splits on '\n' only, as the
	 * protocol does, so a '\r' inside a line survives (echo is byte-exact).
	 */
	static byte[] readLine(InputStream pipe) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		while (true) {
			int b = pipe.read(); // one byte at a time: nothing after the line is taken from the pipe
			if (b < 0) {
				throw new EOFException("pipe closed before a full reply line arrived");
			}
			if (b == '\n') {
				return line.toByteArray();
			}
			line.write(b);
		}
	}
}
