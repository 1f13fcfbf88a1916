package io.pipeio.event;

import io.pipeio.plugin.PluginExit;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginSupervisor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * Publishes {@link PipePluginStartedEvent} and {@link PipePluginExitedEvent} for the
 * plug-in processes of channels.
 *
 * @author pipe-io
 */
public class PipePluginEventPublisher implements PluginObserver {

	private final ApplicationEventPublisher publisher;

	/**
	 * Create a publisher.
	 * @param publisher where events go
	 */
	public PipePluginEventPublisher(ApplicationEventPublisher publisher) {
		Assert.notNull(publisher, "'publisher' must not be null");
		this.publisher = publisher;
	}

	@Override
	public void onStarted(PluginSupervisor plugin, long pid) {
		this.publisher.publishEvent(new PipePluginStartedEvent(plugin, plugin.getChannel(), pid));
	}

	@Override
	public void onExited(PluginSupervisor plugin, PluginExit exit) {
		this.publisher.publishEvent(new PipePluginExitedEvent(plugin, plugin.getChannel(), exit));
	}

}
