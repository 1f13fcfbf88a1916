package io.pipeio.core;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.pipeio.server.PipeServerSettings;
import org.jspecify.annotations.Nullable;

/**
 * The channels of a registry by name, and which channel each pipe path belongs to: two
 * servers on one FIFO would each replace the other's as stale and split its lines, so a
 * path is refused while another channel holds it. Reads are lock-free; changes are
 * serialised.
 *
 * @author pipe-io
 */
final class ChannelTable {

	private final Map<String, PipeChannel> channels = new ConcurrentHashMap<>();

	/** Guarded by {@code this}. */
	private final Map<Path, String> pathOwners = new HashMap<>();

	/**
	 * Names of channels removed but not yet stopped and let go of; their paths stay
	 * theirs meanwhile, and the registry's stop waits for them. Guarded by {@code this}.
	 */
	private final Set<String> leaving = new HashSet<>();

	/**
	 * Channels added for a listener that is still being attached (out of any lock: it is
	 * bean code): the registry's start leaves them to the registrar, which starts them
	 * once it is.
	 */
	private final Set<PipeChannel> awaitingListener = ConcurrentHashMap.newKeySet();

	@Nullable PipeChannel get(String name) {
		return this.channels.get(name);
	}

	Collection<PipeChannel> values() {
		return this.channels.values();
	}

	Set<String> names() {
		return new TreeSet<>(this.channels.keySet());
	}

	/**
	 * Add a channel under a new name.
	 * @throws IllegalStateException if the name is taken or a pipe path is another
	 * channel's
	 */
	synchronized PipeChannel add(String name, PipeChannelSettings settings,
			Function<PipeChannelSettings, PipeChannel> factory) {
		if (this.channels.containsKey(name)) {
			throw new IllegalStateException("Channel '" + name + "' is already registered");
		}
		if (this.leaving.contains(name)) {
			// Its meters, removed by name once it stopped, would take the new channel's.
			throw new IllegalStateException(
					"Channel '" + name + "' is still being removed: register it again once unregister has returned");
		}
		PipeServerSettings server = settings.server();
		for (Path path : List.of(server.getInPath(), server.getOutPath())) {
			String other = this.pathOwners.get(path);
			if (other != null) {
				throw new IllegalStateException(
						"Channel '" + name + "' cannot use " + path + ": it is a pipe of channel '" + other
								+ "'. Every pipe needs its own path; set pipe-io.channels." + name
								+ ".in-pipe / out-pipe (or the other channel's) elsewhere.");
			}
		}
		PipeChannel channel = factory.apply(settings);
		this.pathOwners.put(server.getInPath(), name);
		this.pathOwners.put(server.getOutPath(), name);
		this.channels.put(name, channel);
		return channel;
	}

	/**
	 * Return the named channel, adding it with the settings the function gives if it is
	 * absent, for a listener about to be attached: a channel added here is not
	 * {@linkplain #isStartable startable} until {@link #makeStartable}.
	 */
	synchronized PipeChannel getOrAdd(String name, Function<String, PipeChannelSettings> settings,
			Function<PipeChannelSettings, PipeChannel> factory) {
		PipeChannel channel = this.channels.get(name);
		return (channel != null) ? channel : add(name, settings.apply(name), (checked) -> {
			PipeChannel added = factory.apply(checked);
			// before any other thread can find it
			this.awaitingListener.add(added);
			return added;
		});
	}

	/**
	 * Whether the registry's start may start a channel: not one added for a listener that
	 * is still being attached, whose first lines would be dropped for want of it.
	 */
	boolean isStartable(PipeChannel channel) {
		return !this.awaitingListener.contains(channel);
	}

	/** Let the registry's start start a channel added by {@link #getOrAdd}. */
	void makeStartable(PipeChannel channel) {
		this.awaitingListener.remove(channel);
	}

	/**
	 * Remove a channel; its name and paths stay taken until {@link #release}.
	 * @return the channel, or {@code null} if there is none of that name
	 */
	synchronized @Nullable PipeChannel remove(String name) {
		PipeChannel channel = this.channels.remove(name);
		if (channel != null) {
			this.leaving.add(name);
		}
		return channel;
	}

	/**
	 * Free the name and paths of a removed channel, once it stopped and what was kept for
	 * it was let go of.
	 */
	synchronized void release(PipeChannel channel) {
		String name = channel.getName();
		this.leaving.remove(name);
		// its own two paths, not a scan of every channel's
		PipeServerSettings server = channel.getSettings().server();
		this.pathOwners.remove(server.getInPath(), name);
		this.pathOwners.remove(server.getOutPath(), name);
		notifyAll();
	}

	/**
	 * Wait until every removed channel is released, or the deadline passes.
	 * @param deadline the {@link System#nanoTime()} to give up at
	 */
	synchronized void awaitReleased(long deadline) {
		try {
			long remaining = deadline - System.nanoTime();
			while (!this.leaving.isEmpty() && remaining > 0) {
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
				remaining = deadline - System.nanoTime();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
