package io.pipeio.core;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.deadletter.DeadLetterSettings;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.server.PipeServerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Adds channels and their listeners to a {@link PipeChannelRegistry}, and removes them,
 * also while the registry runs and stops on other threads: a channel added while the
 * registry runs is started, by the registry's start or here, never by neither, and never
 * before its listener is attached; one removed meanwhile is not started, since no stop
 * would reach it.
 *
 * @author pipe-io
 */
final class ChannelRegistrar {

	/** The registry's name: one logger to set for what happens to its channels. */
	private static final Log logger = LogFactory.getLog(PipeChannelRegistry.class);

	/** Whose channels these are: its table, its start monitor and whether it runs. */
	private final PipeChannelRegistry registry;

	private final Function<String, PipeChannelSettings> defaults;

	private final PipeMessageConverter converter;

	private final PipeErrorHandler errorHandler;

	private final PipeServerListener serverListener;

	private volatile List<PipeMessageListenerDecorator> decorators = List.of();

	private volatile List<PluginObserver> pluginObservers = List.of();

	ChannelRegistrar(PipeChannelRegistry registry, Function<String, PipeChannelSettings> defaults,
			PipeMessageConverter converter, PipeErrorHandler errorHandler, PipeServerListener serverListener) {
		this.registry = registry;
		this.defaults = defaults;
		this.converter = converter;
		this.errorHandler = errorHandler;
		this.serverListener = serverListener;
	}

	/** See {@link PipeChannelRegistry#setListenerDecorators}. */
	void setListenerDecorators(List<PipeMessageListenerDecorator> decorators) {
		this.decorators = List.copyOf(decorators);
	}

	/** See {@link PipeChannelRegistry#setPluginObservers}. */
	void setPluginObservers(List<PluginObserver> observers) {
		this.pluginObservers = List.copyOf(observers);
	}

	/** See {@link PipeChannelRegistry#declare}. */
	PipeChannel declare(String name, PipeChannelSettings settings) {
		return this.registry.channels.add(name, settings, (checked) -> newChannel(name, checked));
	}

	private PipeChannel newChannel(String name, PipeChannelSettings settings) {
		DeadLetterSettings deadLetter = settings.deadLetter();
		return new PipeChannel(name, settings, this.converter, this.errorHandler, this.serverListener,
				this.pluginObservers, (deadLetter != null) ? this.registry.deadLetterFiles.get(deadLetter) : null);
	}

	/** See {@link PipeChannelRegistry#registerListener}. */
	PipeChannel registerListener(PipeListenerEndpoint endpoint) {
		String name = endpoint.getChannel();
		PipeChannel channel = this.registry.channels.getOrAdd(name, (key) -> {
			logger.info("Channel '" + key + "' is not configured under pipe-io.channels; declaring it with defaults"
					+ " for " + endpoint.getDescription());
			return this.defaults.apply(key);
		}, (settings) -> newChannel(name, settings));
		try {
			// not under the table's lock: bean code
			channel.listener.attach(endpoint.createListener(channel), endpoint.getDescription(),
					endpoint.getErrorHandler(), this.decorators, endpoint.isPausedOnAttach(), endpoint);
		}
		finally {
			// The registry's start skipped a channel added above until now: a start that
			// ran meanwhile set running, so the check below starts the channel, and a
			// later one finds it startable. One whose listener failed is left to the
			// registry's start, like any channel without a listener.
			this.registry.channels.makeStartable(channel);
		}
		synchronized (this.registry.startMonitor) {
			// with stop: a channel started after the stop looked at the channels would
			// run on
			checkStillRegistered(name, channel);
			if (this.registry.running && channel.getSettings().autoStartup() && !channel.isRunning()) {
				// a listener that appeared after startup, such as on a lazy bean
				try {
					channel.start();
					this.registry.keepAlive.start();
				}
				catch (RuntimeException ex) {
					// The bean failed: a later attempt, once the cause is fixed, must
					// find the channel stopped and without a listener, and start it.
					channel.stop(Duration.ofSeconds(1));
					channel.listener.detach();
					throw ex;
				}
			}
		}
		return channel;
	}

	/** See {@link PipeChannelRegistry#unregisterListener}. */
	boolean unregisterListener(String name) {
		PipeChannel channel = this.registry.channels.get(name);
		return channel != null && channel.listener.detach();
	}

	/** See {@link PipeChannelRegistry#unregisterListener(PipeListenerEndpoint)}. */
	boolean unregisterListener(PipeListenerEndpoint endpoint) {
		PipeChannel channel = this.registry.channels.get(endpoint.getChannel());
		return channel != null && channel.listener.detach(endpoint);
	}

	/** See {@link PipeChannelRegistry#register}. */
	PipeChannel register(String name, PipeChannelSettings settings, PipeMessageListener listener) {
		// In the table with its listener only: the registry's start, on another thread,
		// starts every channel it finds there, and one without its listener yet would
		// drop what it reads (the first lines of its plug-in, say).
		PipeChannel channel = this.registry.channels.add(name, settings,
				(checked) -> withListener(newChannel(name, checked), listener));
		synchronized (this.registry.startMonitor) {
			// with stop: a channel started after the stop looked at the channels would
			// run on
			checkStillRegistered(name, channel);
			if (this.registry.running && settings.autoStartup()) {
				try {
					channel.start();
					this.registry.keepAlive.start();
				}
				catch (RuntimeException ex) {
					this.registry.channels.remove(name);
					try {
						// Stopped, as one that fails at start-up is by the registry's
						// stop: told failed, then stopped.
						channel.stop(Duration.ofSeconds(1));
						forget(channel);
					}
					finally {
						this.registry.channels.release(channel);
					}
					throw ex;
				}
			}
		}
		return channel;
	}

	private PipeChannel withListener(PipeChannel channel, PipeMessageListener listener) {
		try {
			channel.listener.attach(listener, listener.toString(), null, this.decorators, false, null);
			return channel;
		}
		catch (RuntimeException ex) {
			// never in the table, so no unregister lets go of what it was given
			forget(channel);
			throw ex;
		}
	}

	/**
	 * A channel removed by another thread while it was added, or while its listener was
	 * attached, must not be started: it would run in no table, which no stop reaches.
	 */
	private void checkStillRegistered(String name, PipeChannel channel) {
		if (this.registry.channels.get(name) != channel) {
			throw new IllegalStateException(
					"Channel '" + name + "' was removed while it was being " + "registered; it was not started");
		}
	}

	/** See {@link PipeChannelRegistry#unregister}. */
	boolean unregister(String name) {
		PipeChannel channel;
		synchronized (this.registry.startMonitor) {
			channel = this.registry.channels.remove(name);
		}
		if (channel != null) {
			try {
				channel.stop(this.registry.shutdownTimeout);
				forget(channel);
			}
			finally {
				// Not before: a channel of the same name registered meanwhile would lose
				// its meters to the forgetting of this one.
				this.registry.channels.release(channel);
			}
		}
		return channel != null;
	}

	/**
	 * Let go of what was kept for a channel that is gone: its meters, its dead-letter
	 * file.
	 */
	private void forget(PipeChannel channel) {
		this.serverListener.onRemoved(channel.server());
		DeadLetterSettings deadLetter = channel.getSettings().deadLetter();
		if (deadLetter != null) {
			this.registry.deadLetterFiles.release(deadLetter);
		}
	}

}
