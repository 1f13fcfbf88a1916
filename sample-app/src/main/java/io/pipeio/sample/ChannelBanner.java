package io.pipeio.sample;

import java.util.Map;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Logs where each channel's pipes are and how to try it from a shell, with a command that
 * is safe to paste: it writes only if both paths are FIFOs. A plain
 * {@code echo hello > upper.in} creates a regular file when the channel is stopped or the
 * path is wrong, and the channel then cannot start again (pipe-io never deletes a file it
 * did not create).
 * <p>
 * A channel with a plug-in is different: its pipes are the plug-in's stdin and stdout, so
 * a line written to the in pipe would be taken for one of the plug-in's answers and a
 * reader of the out pipe would take requests meant for it. Such a channel is tried
 * through the application, with the HTTP request that asks the plug-in.
 *
 * @author pipe-io
 */
@Component
class ChannelBanner {

	private static final Log logger = LogFactory.getLog(ChannelBanner.class);

	/** A request each channel understands; the others take any line. */
	private static final Map<String, String> REQUESTS = Map.of("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}");

	/** The sample's HTTP requests to plug-ins, see {@link ShoutController}. */
	private static final Map<String, String> PLUGIN_REQUESTS = Map.of("shout", "/shout?text=hello");

	private final PipeChannelRegistry registry;

	private final Environment environment;

	ChannelBanner(PipeChannelRegistry registry, Environment environment) {
		this.registry = registry;
		this.environment = environment;
	}

	@EventListener(ApplicationReadyEvent.class)
	void logChannels() {
		for (String name : this.registry.getChannelNames()) {
			logger.info(describe(this.registry.getRequiredChannel(name)));
		}
	}

	/**
	 * Return what is logged of a channel: where its pipes are, and how to try it.
	 * @param channel the channel
	 * @return the line to log
	 */
	String describe(PipeChannel channel) {
		PipeServerSettings settings = channel.getSettings().server();
		PluginSupervisor plugin = channel.getPlugin();
		String tryCommand = tryCommand(channel);
		String tryIt = (tryCommand != null) ? " Try: " + tryCommand : "";
		if (plugin == null) {
			return "Channel '" + channel.getName() + "': write lines to " + settings.getInPath()
					+ ", read replies from " + settings.getOutPath() + "." + tryIt;
		}
		return "Channel '" + channel.getName() + "': answered by its plug-in ("
				+ String.join(" ", plugin.getSettings().command()) + "), which reads requests from "
				+ settings.getOutPath() + " and writes answers to " + settings.getInPath()
				+ "; leave these pipes to it." + tryIt;
	}

	/**
	 * Return a shell command that sends the channel one request and prints the reply: for
	 * a channel without a plug-in one that writes nothing unless both of its paths are
	 * FIFOs, for one with a plug-in an HTTP request to the application, if it has one for
	 * that plug-in and serves HTTP. The out pipe is opened read-only, so the shell is
	 * none of its writers and sees its end if the server goes away rather than wait
	 * forever, and {@code read} takes one line a byte at a time, never the start of the
	 * line behind it (another reader's), as {@code head -n1} could.
	 * @param channel the channel
	 * @return the command, for sh or bash, or {@code null} if there is none
	 */
	String tryCommand(PipeChannel channel) {
		if (channel.getPlugin() != null) {
			String path = PLUGIN_REQUESTS.get(channel.getName());
			String base = baseUrl();
			return (path != null && base != null) ? "curl -sS -w '\\n' " + quote(base + path) : null;
		}
		PipeServerSettings settings = channel.getSettings().server();
		String request = REQUESTS.getOrDefault(channel.getName(), "hello");
		return "in=" + quote(settings.getInPath()) + " out=" + quote(settings.getOutPath())
				+ "; [ -p \"$in\" ] && [ -p \"$out\" ] && ( exec 3<\"$out\" && printf '%s\\n' " + quote(request)
				+ " > \"$in\" && IFS= read -r reply <&3 && printf '%s\\n' \"$reply\" )";
	}

	/**
	 * Return where the application serves HTTP on this machine, as the server is
	 * configured: its address (a wildcard one is reached at {@code localhost}), its port,
	 * its context path, and {@code https} if it has SSL.
	 * @return the URL without a trailing slash, or {@code null} if it serves no HTTP
	 */
	private @Nullable String baseUrl() {
		String port = this.environment.getProperty("local.server.port");
		if (port == null) {
			return null;
		}
		String address = this.environment.getProperty("server.address", "");
		String host = switch (address) {
			case "", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0" -> "localhost";
			default -> (address.contains(":") && !address.startsWith("[")) ? "[" + address + "]" : address;
		};
		boolean ssl = this.environment.getProperty("server.ssl.enabled", Boolean.class, true)
				&& (this.environment.containsProperty("server.ssl.bundle")
						|| this.environment.containsProperty("server.ssl.key-store")
						|| this.environment.containsProperty("server.ssl.certificate"));
		String contextPath = this.environment.getProperty("server.servlet.context-path", "");
		if (contextPath.endsWith("/")) {
			contextPath = contextPath.substring(0, contextPath.length() - 1);
		}
		return (ssl ? "https" : "http") + "://" + host + ":" + port + contextPath;
	}

	/**
	 * Quote for the shell: single quotes, each one inside closed, escaped and reopened.
	 */
	private static String quote(Object text) {
		return "'" + text.toString().replace("'", "'\\''") + "'";
	}

}
