package io.pipeio.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Captures what a test writes to {@code System.out} and {@code System.err}, which is
 * where the engine's log lines end up in these tests, for a test method that takes a
 * {@link Captured} parameter. Written with the JDK and JUnit alone, so that the engine's
 * tests stay free of Spring, as the engine is.
 */
final class ConsoleOutput implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConsoleOutput.class);

	@Override
	public void beforeEach(ExtensionContext context) {
		context.getStore(NAMESPACE).put(Captured.class, new Captured());
	}

	@Override
	public void afterEach(ExtensionContext context) {
		Captured captured = context.getStore(NAMESPACE).remove(Captured.class, Captured.class);
		if (captured != null) {
			captured.restore();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == Captured.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return context.getStore(NAMESPACE).get(Captured.class, Captured.class);
	}

	/**
	 * What was written to either stream since the test began; both still reach the
	 * console too.
	 */
	static final class Captured {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final PrintStream out = System.out;

		private final PrintStream err = System.err;

		private Captured() {
			System.setOut(tee(this.out));
			System.setErr(tee(this.err));
		}

		private void restore() {
			System.setOut(this.out);
			System.setErr(this.err);
		}

		private PrintStream tee(PrintStream original) {
			ByteArrayOutputStream copy = this.bytes;
			return new PrintStream(new OutputStream() {

				@Override
				public void write(int b) {
					original.write(b);
					copy.write(b);
				}

				@Override
				public void write(byte[] bytes, int offset, int length) {
					original.write(bytes, offset, length);
					copy.write(bytes, offset, length);
				}

				@Override
				public void flush() {
					original.flush();
				}

			}, true, Charset.defaultCharset());
		}

		@Override
		public String toString() {
			return this.bytes.toString(Charset.defaultCharset());
		}

	}

}
