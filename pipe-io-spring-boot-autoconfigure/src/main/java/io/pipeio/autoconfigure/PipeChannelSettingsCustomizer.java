package io.pipeio.autoconfigure;

import io.pipeio.server.PipeServerSettings;

/**
 * Customizes the engine settings of every channel built from configuration (or declared
 * with defaults for a listener), for settings that have no property, such as the buffer
 * size.
 *
 * @author pipe-io
 */
@FunctionalInterface
public interface PipeChannelSettingsCustomizer {

	/**
	 * Customize a channel's settings.
	 * @param channel the channel name
	 * @param settings the builder to change
	 */
	void customize(String channel, PipeServerSettings.Builder settings);

}
