package io.pipeio.server;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether a channel has a client, across the readers of its in pipes: the current pipe's,
 * and those of pipes deleted or replaced on disk whose clients are still attached. The
 * channel has a client while any of them has one, so it is told only of its first
 * client's arrival and of its last one's departure, whichever pipe they write to.
 *
 * @author pipe-io
 */
final class ClientPresence {

	private final PipeServer server;

	private final PipeServerListener listener;

	private final ChannelStatistics statistics;

	/** The readers whose pipe has a client now. Guarded by {@link #lock}. */
	private final Set<Object> readersWithClients = new HashSet<>();

	/**
	 * Held while a change is told, so that arrivals and departures reported by two
	 * readers are told in the order they happened. A lock rather than a monitor: the
	 * listener may block, and a virtual worker thread must not pin its carrier meanwhile
	 * (Java 21 to 23).
	 */
	private final ReentrantLock lock = new ReentrantLock();

	ClientPresence(PipeServer server, PipeServerListener listener, ChannelStatistics statistics) {
		this.server = server;
		this.listener = listener;
		this.statistics = statistics;
	}

	/**
	 * A client started writing to a reader's pipe, or the last one left it.
	 * @param reader the reader whose pipe it is
	 * @param present whether that pipe has a client now
	 */
	void changed(Object reader, boolean present) {
		this.lock.lock();
		try {
			boolean before = !this.readersWithClients.isEmpty();
			if (present) {
				this.readersWithClients.add(reader);
			}
			else {
				this.readersWithClients.remove(reader);
			}
			boolean now = !this.readersWithClients.isEmpty();
			if (now != before) {
				this.statistics.setClientConnected(now);
				this.listener.onClientPresenceChanged(this.server, now);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

}
