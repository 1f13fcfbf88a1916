package io.pipeio.integration.autoconfigure;

import java.util.Map;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.integration.PipeMessageHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.util.Assert;

/**
 * Warns, once the context is refreshed (its lifecycle beans started, so an inbound
 * adapter has declared its channel), of each outbound adapter whose fixed channel does
 * not exist: every message it gets would fail, and with a broker's listener container in
 * front, be retried and skipped one by one. A warning rather than a failed start: the
 * channel may still be registered at runtime, or declared by an adapter started later.
 *
 * @author pipe-io
 */
final class UndeclaredOutboundChannelWarning implements ApplicationListener<ContextRefreshedEvent> {

	private static final Log logger = LogFactory.getLog(UndeclaredOutboundChannelWarning.class);

	private final PipeChannelRegistry registry;

	UndeclaredOutboundChannelWarning(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		// Of the context refreshed: a child context's handlers may write to this
		// registry's channels too.
		Map<String, PipeMessageHandler> handlers = event.getApplicationContext()
			.getBeansOfType(PipeMessageHandler.class, false, false);
		handlers.forEach((name, handler) -> {
			String channel = handler.getChannel();
			if (channel != null && this.registry.getChannel(channel) == null) {
				logger.warn("The pipe-io outbound adapter '" + name + "' writes to channel '" + channel
						+ "', which does not exist: every message it gets fails until the channel is declared"
						+ " (pipe-io.channels." + channel + ": {}) or registered; the channels are "
						+ this.registry.getChannelNames());
			}
		});
	}

}
