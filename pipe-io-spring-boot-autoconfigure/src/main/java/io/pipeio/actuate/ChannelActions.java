package io.pipeio.actuate;

import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The actions of the {@code pipeio} endpoint on one channel, shared by the endpoint and
 * its web extension: each is performed, logged at INFO with the channel, the action, the
 * result and the caller's principal when there is one, and answered with an HTTP status
 * and a body that says what happened (the channel after the change, the valid actions,
 * the known channels or the reason of a failure).
 *
 * @author pipe-io
 */
final class ChannelActions {

	private static final Log logger = LogFactory.getLog(PipeIoEndpoint.class);

	private static final List<String> ACTIONS = Arrays.stream(Action.values()).map(Action::value).toList();

	private final PipeChannelRegistry registry;

	ChannelActions(PipeChannelRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Perform an action on a channel.
	 * @param name the channel's name
	 * @param action the action's name
	 * @param principal who asks, if known
	 * @return the outcome
	 */
	Outcome perform(String name, String action, @Nullable Principal principal) {
		PipeChannel channel = this.registry.getChannel(name);
		Action known = Action.of(action);
		Outcome outcome;
		if (channel == null) {
			outcome = notFound(name);
		}
		else if (known == null) {
			outcome = new Outcome(400, "unknown action",
					body("Unknown action '" + action + "'; use "
							+ String.join(", ", ACTIONS.subList(0, ACTIONS.size() - 1)) + " or "
							+ ACTIONS.get(ACTIONS.size() - 1), "actions", ACTIONS));
		}
		else if (known == Action.RESTART && channel.getPlugin() == null) {
			outcome = new Outcome(400, "no plug-in", body("Channel '" + name + "' has no plug-in to restart", "actions",
					ACTIONS.subList(0, ACTIONS.size() - 1)));
		}
		else if (known == Action.RESTART && !channel.isRunning()) {
			// Not a failure of the server's: the plug-in runs only with its channel.
			outcome = new Outcome(
					400, "channel not running", body(
							"Channel '" + name + "' is " + ChannelDescriptor.state(channel)
									+ ": its plug-in runs with it; start the channel instead",
							"actions", List.of("start")));
		}
		else {
			outcome = perform(channel, known);
		}
		logger.info("pipeio endpoint: " + printable(action) + " of channel '" + printable(name) + "'"
				+ ((principal != null) ? " by " + printable(principal.getName()) : "") + ": " + outcome.result());
		return outcome;
	}

	private Outcome perform(PipeChannel channel, Action action) {
		String name = channel.getName();
		try {
			switch (action) {
				case PAUSE -> this.registry.pause(name);
				case RESUME -> this.registry.resume(name);
				case STOP -> this.registry.stop(name);
				case START -> this.registry.start(name);
				// A channel's plug-in is fixed when it is created, and the caller
				// answered 400 if it has none.
				case RESTART -> Objects.requireNonNull(channel.getPlugin(), "No plug-in").restart();
			}
			// What the name stands for now: the channel may have been removed meanwhile.
			PipeChannel current = this.registry.getChannel(name);
			return (current != null) ? new Outcome(200, ChannelDescriptor.state(current) + note(current, action),
					ChannelDescriptor.describe(current)) : removed(name);
		}
		catch (RuntimeException ex) {
			PipeChannel current = this.registry.getChannel(name);
			if (current == null) {
				return removed(name);
			}
			String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", reason);
			body.putAll(ChannelDescriptor.describe(current));
			return new Outcome(500, "failed, " + ChannelDescriptor.state(current) + ": " + reason, body);
		}
	}

	/**
	 * Say why a channel is paused where its state alone would not tell.
	 */
	private static String note(PipeChannel channel, Action action) {
		if (ChannelDescriptor.isPausedNotRunning(channel)) {
			return " (paused: starts paused)";
		}
		if (action == Action.RESUME && channel.isPaused() && channel.isListenerStopped()) {
			return " (its listener, " + channel.getListenerDescription()
					+ ", is stopped: the channel reads again when it starts)";
		}
		return "";
	}

	/**
	 * @param name a name no channel has
	 * @return 404, listing the channels there are
	 */
	Outcome notFound(String name) {
		return new Outcome(404, "no such channel",
				body("No channel '" + name + "'", "channels", List.copyOf(this.registry.getChannelNames())));
	}

	private Outcome removed(String name) {
		return new Outcome(404, "no such channel (removed meanwhile)",
				body("No channel '" + name + "': it was removed meanwhile", "channels",
						List.copyOf(this.registry.getChannelNames())));
	}

	private static Map<String, Object> body(String error, String key, List<String> values) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put(key, values);
		return body;
	}

	/** Keep a caller's text from forging log lines. */
	private static String printable(String text) {
		return text.replaceAll("\\p{Cntrl}", "?");
	}

	/**
	 * What an action did.
	 *
	 * @param status the HTTP status: 200, 404 (no such channel), 400 (no such action) or
	 * 500 (the action failed)
	 * @param result the result as logged
	 * @param body the response body
	 */
	record Outcome(int status, String result, Map<String, Object> body) {
	}

	/**
	 * The actions on a channel.
	 */
	private enum Action {

		PAUSE, RESUME, STOP, START, RESTART;

		String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		static @Nullable Action of(String value) {
			for (Action action : values()) {
				if (action.value().equals(value)) {
					return action;
				}
			}
			return null;
		}

	}

}
