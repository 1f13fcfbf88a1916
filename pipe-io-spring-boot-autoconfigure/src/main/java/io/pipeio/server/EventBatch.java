package io.pipeio.server;

import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.Memory;

/**
 * Events pulled by one {@code epoll_wait}, handed out one at a time by the thread that
 * pulled them, and by the one that takes over from it if a handler blocks it.
 *
 * @author pipe-io
 */
final class EventBatch {

	final Memory events;

	private final int ready;

	private final AtomicInteger taken = new AtomicInteger();

	EventBatch(Memory events, int ready) {
		this.events = events;
		this.ready = ready;
	}

	/**
	 * @return the index of an event nobody took yet, or -1
	 */
	int next() {
		int index = this.taken.getAndIncrement();
		return (index < this.ready) ? index : -1;
	}

}
