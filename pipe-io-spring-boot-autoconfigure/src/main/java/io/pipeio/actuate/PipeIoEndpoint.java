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
 * The {@code pipeio} actuator endpoint: {@code GET /actuator/pipeio} lists the channels
 * with paths, state and counters, {@code GET /actuator/pipeio/{channel}} shows one, and
 * {@code POST /actuator/pipeio/{channel}/{action}} with action {@code pause},
 * {@code resume}, {@code stop}, {@code start} or {@code restart} (its plug-in process)
 * changes one; each change is logged at INFO with the caller's principal. Not exposed
 * over the web unless {@code management.endpoints.web.exposure.include} names it; secure
 * it like any actuator endpoint that changes the application.
 *
 * @author pipe-io
 */
@Endpoint(id = "pipeio")
public class PipeIoEndpoint {

	private final PipeChannelRegistry registry;

	private final ChannelActions actions;

	/**
	 * Create the endpoint.
	 * @param registry the channels
	 */
	public PipeIoEndpoint(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.actions = new ChannelActions(registry);
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
	 * Pause, resume, stop or start a channel, and log it at INFO with the caller's
	 * principal. Over HTTP, {@link PipeIoEndpointWebExtension} answers with the matching
	 * status.
	 * @param channel the channel name
	 * @param action {@code pause}, {@code resume}, {@code stop}, {@code start} or
	 * {@code restart}
	 * @return the channel's description after the change (with an {@code error} if the
	 * action failed), or {@code null} if there is no such channel
	 * @throws InvalidEndpointRequestException for an unknown action, listing the valid
	 * ones
	 */
	@WriteOperation
	public @Nullable Map<String, Object> change(@Selector String channel, @Selector String action) {
		ChannelActions.Outcome outcome = perform(channel, action);
		return switch (outcome.status()) {
			case 404 -> null;
			case 400 -> throw new InvalidEndpointRequestException(String.valueOf(outcome.body().get("error")),
					"unknown action");
			default -> outcome.body();
		};
	}

	/**
	 * @param channel a name no channel has
	 * @return what an unknown channel is answered over HTTP: 404 and the channels there
	 * are
	 */
	ChannelActions.Outcome notFound(String channel) {
		return this.actions.notFound(channel);
	}

	ChannelActions.Outcome perform(String channel, String action) {
		return this.actions.perform(channel, action, EndpointCaller.current());
	}

}
