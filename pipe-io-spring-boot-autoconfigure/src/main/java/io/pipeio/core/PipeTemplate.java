package io.pipeio.core;

import java.util.concurrent.CompletableFuture;

import org.springframework.util.Assert;

/**
 * Sends lines to the channels of a {@link PipeChannelRegistry}. Thread-safe.
 *
 * @author pipe-io
 */
public class PipeTemplate implements PipeOperations {

	private final PipeChannelRegistry registry;

	/**
	 * Create a template.
	 * @param registry the channels
	 */
	public PipeTemplate(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public void send(String channel, String line) {
		Assert.notNull(line, "'line' must not be null");
		this.registry.getRequiredChannel(channel).send(line);
	}

	@Override
	public void send(String channel, byte[] line) {
		Assert.notNull(line, "'line' must not be null");
		this.registry.getRequiredChannel(channel).send(line);
	}

	@Override
	public void convertAndSend(String channel, Object payload) {
		Assert.notNull(payload, "'payload' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		target.send(target.toLine(payload));
	}

	@Override
	public CompletableFuture<Void> sendAsync(String channel, String line) {
		Assert.notNull(line, "'line' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return target.sendAsync(line.getBytes(target.getCharset()));
	}

	@Override
	public CompletableFuture<Void> sendAsync(String channel, byte[] line) {
		Assert.notNull(line, "'line' must not be null");
		return this.registry.getRequiredChannel(channel).sendAsync(line);
	}

}
