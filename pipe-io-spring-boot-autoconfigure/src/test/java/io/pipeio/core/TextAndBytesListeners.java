package io.pipeio.core;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.pipeio.annotation.PipeListener;

import org.springframework.context.annotation.Configuration;

/**
 * The listeners of the registry tests: channel {@code text} records each line in
 * {@link #received} and replies {@code text:<line>}; channel {@code bytes} echoes each
 * line byte for byte.
 */
@Configuration(proxyBeanMethods = false)
class TextAndBytesListeners {

	final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	@PipeListener("text")
	String text(String line) {
		this.received.add(line);
		return "text:" + line;
	}

	@PipeListener("bytes")
	byte[] bytes(byte[] line) {
		return line;
	}

}
