package io.pipeio.sample;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs where each channel's pipes are and how to try it from a shell.
 *
 * @author pipe-io
 */
@Component
class ChannelBanner {

	private static final Log logger = LogFactory.getLog(ChannelBanner.class);

	private final PipeChannelRegistry registry;

	ChannelBanner(PipeChannelRegistry registry) {
		this.registry = registry;
	}

	@EventListener(ApplicationReadyEvent.class)
	void logChannels() {
		for (String name : this.registry.getChannelNames()) {
			PipeChannel channel = this.registry.getRequiredChannel(name);
			PipeServerSettings settings = channel.getSettings().server();
			logger.info("Channel '" + name + "': write lines to " + settings.getInPath() + ", read replies from "
					+ settings.getOutPath() + ". Try: exec 3<>" + settings.getOutPath() + "; echo hello > "
					+ settings.getInPath() + "; head -n1 <&3");
		}
	}

}
