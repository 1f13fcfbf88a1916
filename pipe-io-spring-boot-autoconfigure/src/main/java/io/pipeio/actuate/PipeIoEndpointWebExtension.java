package io.pipeio.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

/**
 * The {@code pipeio} endpoint over HTTP: {@code GET /actuator/pipeio/{channel}} answers
 * 404 for an unknown channel listing the known ones, and {@code POST
 * /actuator/pipeio/{channel}/{action}} answers 200 with the channel after the change, 404
 * for an unknown channel (listing the known ones), 400 for an unknown action (listing the
 * valid ones) and 500 with the reason when the action failed, such as a start whose pipes
 * cannot be created.
 *
 * @author pipe-io
 */
@EndpointWebExtension(endpoint = PipeIoEndpoint.class)
public class PipeIoEndpointWebExtension {

	private final PipeIoEndpoint endpoint;

	/**
	 * Create the extension.
	 * @param endpoint the endpoint it extends
	 */
	public PipeIoEndpointWebExtension(PipeIoEndpoint endpoint) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		this.endpoint = endpoint;
	}

	/**
	 * Show a channel, or answer 404 listing the channels, as a change of an unknown
	 * channel is answered.
	 * @param channel the channel name
	 * @return the response: the channel, or the channels there are
	 */
	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> channel(@Selector String channel) {
		Map<String, Object> found = this.endpoint.channel(channel);
		if (found != null) {
			return new WebEndpointResponse<>(found, WebEndpointResponse.STATUS_OK);
		}
		ChannelActions.Outcome outcome = this.endpoint.notFound(channel);
		return new WebEndpointResponse<>(outcome.body(), outcome.status());
	}

	/**
	 * Pause, resume, stop or start a channel, or restart its plug-in.
	 * @param channel the channel name
	 * @param action {@code pause}, {@code resume}, {@code stop}, {@code start} or
	 * {@code restart}
	 * @return the response: the channel, or what went wrong, with its status
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> change(@Selector String channel, @Selector String action) {
		ChannelActions.Outcome outcome = this.endpoint.perform(channel, action);
		return new WebEndpointResponse<>(outcome.body(), outcome.status());
	}

}
