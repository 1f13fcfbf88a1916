package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * Records what a server hands out: every line (copied, since the engine reuses its
 * buffer) and every listener callback, for tests to wait on and assert.
 */
final class Recorder implements LineHandler, PipeServerListener {

	private final List<byte[]> lines = Collections.synchronizedList(new ArrayList<>());

	final List<Drop> drops = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Outgoing lines the engine dropped and handed over, as {@link #onLineDropped} gave
	 * them.
	 */
	final List<DroppedLine> droppedLines = Collections.synchronizedList(new ArrayList<>());

	final List<HandlerError> handlerErrors = Collections.synchronizedList(new ArrayList<>());

	final List<String> transitions = Collections.synchronizedList(new ArrayList<>());

	/** The causes told with each change to FAILED. */
	final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

	final List<Path> recreated = Collections.synchronizedList(new ArrayList<>());

	/** For each of {@link #recreated}, whether the server created the FIFO it serves. */
	final List<Boolean> recreatedByServer = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Each client presence change: {@code true} when a client came, {@code false} when
	 * all left.
	 */
	final List<Boolean> presence = Collections.synchronizedList(new ArrayList<>());

	/** Partial lines that every client left unfinished. */
	final List<String> incomplete = Collections.synchronizedList(new ArrayList<>());

	@Override
	public void onLine(byte[] buffer, int offset, int length) {
		this.lines.add(Arrays.copyOfRange(buffer, offset, offset + length));
	}

	@Override
	public void onIncompleteLine(byte[] partial) {
		this.incomplete.add(new String(partial, StandardCharsets.UTF_8));
	}

	@Override
	public void onClientPresenceChanged(PipeServer server, boolean connected) {
		this.presence.add(connected);
	}

	@Override
	public void onStateChanged(PipeServer server, PipeServerState previous, PipeServerState current,
			@Nullable Throwable cause) {
		this.transitions.add(previous + "->" + current);
		if (cause != null) {
			this.failures.add(cause);
		}
	}

	@Override
	public void onDropped(PipeServer server, DropReason reason, long size) {
		this.drops.add(new Drop(reason, size));
	}

	@Override
	public void onLineDropped(PipeServer server, DropReason reason, byte[] line) {
		this.droppedLines.add(new DroppedLine(reason, line.clone()));
	}

	@Override
	public void onHandlerError(PipeServer server, byte[] line, Throwable error) {
		this.handlerErrors.add(new HandlerError(new String(line, StandardCharsets.UTF_8), error));
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path, boolean created) {
		this.recreatedByServer.add(created);
		onPipeRecreated(server, path);
	}

	@Override
	public void onPipeRecreated(PipeServer server, Path path) {
		this.recreated.add(path);
	}

	int count() {
		return this.lines.size();
	}

	/**
	 * @return a copy of the lines received so far
	 */
	List<byte[]> lines() {
		synchronized (this.lines) {
			return new ArrayList<>(this.lines);
		}
	}

	/**
	 * @return the lines received so far, decoded as UTF-8
	 */
	List<String> strings() {
		return lines().stream().map((line) -> new String(line, StandardCharsets.UTF_8)).toList();
	}

	/**
	 * Wait until at least {@code count} lines arrived.
	 * @return the lines, decoded as UTF-8
	 */
	List<String> awaitStrings(int count) {
		awaitCount(count, Duration.ofSeconds(10));
		return strings();
	}

	void awaitCount(int count, Duration atMost) {
		await().atMost(atMost).until(() -> this.lines.size() >= count);
	}

	record Drop(DropReason reason, long size) {
	}

	record DroppedLine(DropReason reason, byte[] line) {
	}

	record HandlerError(String line, Throwable error) {
	}

}
