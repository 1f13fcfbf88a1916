package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.pipeio.deadletter.DeadLetterSettings;
import io.pipeio.plugin.PluginSettings;
import io.pipeio.server.PipeServerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Everything a channel needs beyond the engine's settings.
 *
 * @param server the engine settings (paths, permissions, sizes, timeouts)
 * @param charset the charset of text lines
 * @param autoStartup whether the channel starts with the application
 * @param plugin the process to run at the other end of the channel, or {@code null}
 * @param retry how the listener is called again with a line it failed on
 * @param deadLetter where dropped lines are written, or {@code null} for nowhere
 * @param replyTimeout how long a {@link PipeTemplate} request that is given no timeout
 * waits for the channel's answer, or {@code null} for the template's default
 * @author pipe-io
 */
public record PipeChannelSettings(PipeServerSettings server, Charset charset, boolean autoStartup,
		@Nullable PluginSettings plugin, PipeRetrySettings retry, @Nullable DeadLetterSettings deadLetter,
		@Nullable Duration replyTimeout) {

	/**
	 * Create settings.
	 */
	public PipeChannelSettings {
		Assert.notNull(server, "'server' must not be null");
		Assert.notNull(charset, "'charset' must not be null");
		Assert.notNull(retry, "'retry' must not be null");
		Assert.isTrue(replyTimeout == null || (!replyTimeout.isNegative() && !replyTimeout.isZero()),
				"'replyTimeout' must be positive");
	}

	/**
	 * Create settings without retry or dead letters.
	 * @param server the engine settings
	 * @param charset the charset of text lines
	 * @param autoStartup whether the channel starts with the application
	 * @param plugin the process to run at the other end of the channel, or {@code null}
	 */
	public PipeChannelSettings(PipeServerSettings server, Charset charset, boolean autoStartup,
			@Nullable PluginSettings plugin) {
		this(server, charset, autoStartup, plugin, PipeRetrySettings.NONE, null, null);
	}

	/**
	 * Create settings of a channel without plug-in.
	 * @param server the engine settings
	 * @param charset the charset of text lines
	 * @param autoStartup whether the channel starts with the application
	 */
	public PipeChannelSettings(PipeServerSettings server, Charset charset, boolean autoStartup) {
		this(server, charset, autoStartup, null);
	}

	/**
	 * Return a copy that runs a plug-in process at the other end of the channel.
	 * @param plugin how to run it
	 * @return the settings
	 */
	public PipeChannelSettings withPlugin(@Nullable PluginSettings plugin) {
		return new PipeChannelSettings(this.server, this.charset, this.autoStartup, plugin, this.retry, this.deadLetter,
				this.replyTimeout);
	}

	/**
	 * Return a copy that calls the listener again with a line it failed on.
	 * @param retry how often and with which waits
	 * @return the settings
	 */
	public PipeChannelSettings withRetry(PipeRetrySettings retry) {
		return new PipeChannelSettings(this.server, this.charset, this.autoStartup, this.plugin, retry, this.deadLetter,
				this.replyTimeout);
	}

	/**
	 * Return a copy that writes every line it drops to a dead-letter file.
	 * @param deadLetter the file and its sizes, or {@code null} for none
	 * @return the settings
	 */
	public PipeChannelSettings withDeadLetter(@Nullable DeadLetterSettings deadLetter) {
		return new PipeChannelSettings(this.server, this.charset, this.autoStartup, this.plugin, this.retry, deadLetter,
				this.replyTimeout);
	}

	/**
	 * Return a copy whose {@link PipeTemplate} requests wait this long for an answer when
	 * they are given no timeout.
	 * @param replyTimeout the timeout, positive, or {@code null} for the template's
	 * default
	 * @return the settings
	 */
	public PipeChannelSettings withReplyTimeout(@Nullable Duration replyTimeout) {
		return new PipeChannelSettings(this.server, this.charset, this.autoStartup, this.plugin, this.retry,
				this.deadLetter, replyTimeout);
	}

	/**
	 * Create settings with UTF-8 text that start with the application.
	 * @param server the engine settings
	 * @return the settings
	 */
	public static PipeChannelSettings of(PipeServerSettings server) {
		return new PipeChannelSettings(server, StandardCharsets.UTF_8, true);
	}

}
