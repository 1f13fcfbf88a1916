package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

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
 * @author pipe-io
 */
public record PipeChannelSettings(PipeServerSettings server, Charset charset, boolean autoStartup,
		@Nullable PluginSettings plugin) {

	/**
	 * Create settings.
	 */
	public PipeChannelSettings {
		Assert.notNull(server, "'server' must not be null");
		Assert.notNull(charset, "'charset' must not be null");
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
		return new PipeChannelSettings(this.server, this.charset, this.autoStartup, plugin);
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
