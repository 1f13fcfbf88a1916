package io.pipeio.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import io.pipeio.server.PipeServerSettings;
import org.springframework.util.Assert;

/**
 * Everything a channel needs beyond the engine's settings.
 *
 * @param server the engine settings (paths, permissions, sizes, timeouts)
 * @param charset the charset of text lines
 * @param autoStartup whether the channel starts with the application
 * @author pipe-io
 */
public record PipeChannelSettings(PipeServerSettings server, Charset charset, boolean autoStartup) {

	/**
	 * Create settings.
	 */
	public PipeChannelSettings {
		Assert.notNull(server, "'server' must not be null");
		Assert.notNull(charset, "'charset' must not be null");
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
