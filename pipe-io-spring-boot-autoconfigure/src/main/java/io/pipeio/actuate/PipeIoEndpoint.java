package io.pipeio.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * The {@code pipeio} actuator endpoint: {@code GET /actuator/pipeio} lists the channels with paths,
 * state and counters, {@code GET /actuator/pipeio/{channel}} shows one, and
 * {@code POST /actuator/pipeio/{channel}/{action}} with action {@code pause}, {@code resume},
 * {@code stop}, {@code start} or {@code restart} (its plug-in process) changes one. Not exposed over the web unless
 * {@code management.endpoints.web.exposure.include} names it.
 *
 * @author pipe-io
 */
@Endpoint(id = "pipeio")
public class PipeIoEndpoint {

	private final PipeChannelRegistry registry;

	/**
	 * Create the endpoint.
	 * @param registry the channels
	 */
	public PipeIoEndpoint(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	/**
	 * List every channel.
	 * @return the channels by name
	 */
	@ReadOperation
	public Map<String, Object> channels() {
		Map<String, Object> channels = new LinkedHashMap<>();
		for (String name : this.registry.getChannelNames()) {
			PipeChannel channel = this.registry.getChannel(name);
			if (channel != null) {
				channels.put(name, ChannelDescriptor.describe(channel));
			}
		}
		return Map.of("channels", channels);
	}

	/**
	 * Describe one channel.
	 * @param channel the channel name
	 * @return the description, or {@code null} (404) if there is no such channel
	 */
	@ReadOperation
	public @Nullable Map<String, Object> channel(@Selector String channel) {
		PipeChannel found = this.registry.getChannel(channel);
		return (found != null) ? ChannelDescriptor.describe(found) : null;
	}

	/**
	 * Pause, resume, stop or start a channel.
	 * @param channel the channel name
	 * @param action {@code pause}, {@code resume}, {@code stop} or {@code start}
	 * @return the channel's description after the change, or {@code null} (404) if there is no
	 * such channel
	 */
	@WriteOperation
	public @Nullable Map<String, Object> change(@Selector String channel, @Selector String action) {
		PipeChannel found = this.registry.getChannel(channel);
		if (found == null) {
			return null;
		}
		switch (action) {
			case "pause" -> this.registry.pause(channel);
			case "resume" -> this.registry.resume(channel);
			case "stop" -> this.registry.stop(channel);
			case "start" -> this.registry.start(channel);
			case "restart" -> restartPlugin(found);
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "'; use pause, resume, stop or start (or restart, for a plug-in)", "unknown action");
		}
		return ChannelDescriptor.describe(found);
	}

	private static void restartPlugin(PipeChannel channel) {
		if (channel.getPlugin() == null) {
			throw new InvalidEndpointRequestException("Channel '" + channel.getName() + "' has no plug-in to restart",
					"no plug-in");
		}
		channel.getPlugin().restart();
	}

}
