package io.pipeio.testsupport;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import io.pipeio.core.PipeChannelContext;

/**
 * A channel context for tests that call a listener or an error handler directly: a name,
 * UTF-8, and replies that go nowhere.
 */
public class TestChannelContext implements PipeChannelContext {

	private final String name;

	public TestChannelContext(String name) {
		this.name = name;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Charset getCharset() {
		return StandardCharsets.UTF_8;
	}

	@Override
	public void reply(byte[] line) {
	}

	@Override
	public void reply(String line) {
	}

}
