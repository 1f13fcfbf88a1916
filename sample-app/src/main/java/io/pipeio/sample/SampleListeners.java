package io.pipeio.sample;

import java.util.Locale;
import java.util.Map;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeErrorHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * The sample's channel listeners.
 *
 * @author pipe-io
 */
@Component
public class SampleListeners {

	/**
	 * Echo every line back, byte for byte.
	 * @param line the raw line
	 * @return the same bytes
	 */
	@PipeListener("echo")
	public byte[] echo(byte[] line) {
		return line;
	}

	/**
	 * Upper-case a line of text.
	 * @param line the line, decoded as UTF-8
	 * @return the line in upper case
	 */
	@PipeListener("upper")
	public String upper(String line) {
		return line.toUpperCase(Locale.ROOT);
	}

	/**
	 * Compute {@code {"op":"add","a":1,"b":2}} into {@code {"result":3}}.
	 * @param request the request, converted from JSON
	 * @return the result, written as JSON
	 */
	@PipeListener(value = "calc", errorHandler = "calcErrorHandler")
	public CalcResult calc(CalcRequest request) {
		return new CalcResult(request.compute());
	}

	/**
	 * Answer a bad calc request with {@code {"error":"..."}} so the client is not left
	 * waiting.
	 * @return the error handler of the calc channel
	 */
	@Bean
	static PipeErrorHandler calcErrorHandler() {
		return (exception, channel) -> Map.of("error", String.valueOf(exception.getCause().getMessage()));
	}

}
