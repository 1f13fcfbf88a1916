package io.pipeio.sample;

import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs where each channel's pipes are and how to try it from a shell, with a command that
 * is safe to paste: it writes only if both paths are FIFOs. A plain
 * {@code echo hello > upper.in} creates a regular file when the channel is stopped or the
 * path is wrong, and the channel then cannot start again (pipe-io never deletes a file it
 * did not create).
 *
 * @author pipe-io
 */
@Component
class ChannelBanner {

	private static final Log logger = LogFactory.getLog(ChannelBanner.class);

	/** A request each channel understands; the others take any line. */
	private static final Map<String, String> REQUESTS = Map.of("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}");

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
					+ settings.getOutPath() + ". Try: " + tryCommand(channel));
		}
	}

	/**
	 * Return a shell command that sends the channel one request and prints the reply, and
	 * that writes nothing unless both of its paths are FIFOs.
	 * @param channel the channel
	 * @return the command, for sh or bash
	 */
	String tryCommand(PipeChannel channel) {
		PipeServerSettings settings = channel.getSettings().server();
		String request = REQUESTS.getOrDefault(channel.getName(), "hello");
		return "in=" + quote(settings.getInPath()) + " out=" + quote(settings.getOutPath())
				+ "; [ -p \"$in\" ] && [ -p \"$out\" ] && { exec 3<>\"$out\"; printf '%s\\n' " + quote(request)
				+ " > \"$in\"; head -n1 <&3; exec 3<&-; }";
	}

	/**
	 * Quote for the shell: single quotes, each one inside closed, escaped and reopened.
	 */
	private static String quote(Object text) {
		return "'" + text.toString().replace("'", "'\\''") + "'";
	}

}
