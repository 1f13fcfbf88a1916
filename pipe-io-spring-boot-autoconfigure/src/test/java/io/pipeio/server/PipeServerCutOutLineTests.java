package io.pipeio.server;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start of a line a writer cut (a stop's deadline, or a server killed mid-write) in
 * an out pipe that outlives the server, while a client holds the pipe open for reading:
 * the next server ends it with a newline before its own first line, so the client reads
 * the cut line's start as a line of its own and the next line whole, not the two glued
 * together. The tests leave such a start in the pipe themselves: where a stop cuts a line
 * depends on how the kernel fills the pipe's pages.
 */
class PipeServerCutOutLineTests extends PipeServerTestSupport {

	/** 100 bytes, 101 with the newline: a 64 KiB pipe ends inside one. */
	private static final String LINE = "x".repeat(100);

	private PipeServerSettings settings;

	@BeforeEach
	void unmanagedPipes() throws Exception {
		TestPipes.mkfifo(this.pipes.in());
		TestPipes.mkfifo(this.pipes.out());
		this.settings = this.pipes.settings().managePipes(false).build();
	}

	@Test
	void aLineCutInAFullPipeIsEndedBeforeTheNextServersFirstLine() throws Exception {
		try (InputStream client = openForReading()) {
			int held = leaveInPipe(Integer.MAX_VALUE);
			assertThat(PipeContents.isFull(this.pipes.out())).isTrue();
			int whole = held / (LINE.length() + 1);
			String cut = LINE.substring(0, held % (LINE.length() + 1));
			assertThat(cut).as("the pipe (%d bytes) ends inside a line", held).isNotEmpty();
			PipeServer server = this.pipes.start(this.settings);
			server.send("after".getBytes(StandardCharsets.UTF_8));
			List<String> lines = readUntil(client, "after");
			assertThat(lines).hasSize(whole + 2);
			assertThat(lines.subList(0, whole)).allMatch(LINE::equals);
			assertThat(lines.subList(whole, whole + 2)).as("the cut line's start, a line of its own")
				.containsExactly(cut, "after");
		}
	}

	@Test
	void aLineCutInAPipeWithRoomIsEndedAsTheNextServerStarts() throws Exception {
		try (InputStream client = openForReading()) {
			int held = leaveInPipe(10 * (LINE.length() + 1) + 42);
			PipeServer server = this.pipes.start(this.settings);
			// ended as the writer starts, before anything is sent
			await().atMost(Duration.ofSeconds(5)).until(() -> PipeContents.unreadBytes(this.pipes.out()) == held + 1);
			server.send("after".getBytes(StandardCharsets.UTF_8));
			List<String> lines = readUntil(client, "after");
			assertThat(lines).hasSize(12);
			assertThat(lines.subList(10, 12)).containsExactly(LINE.substring(0, 42), "after");
		}
	}

	@Test
	void aPipeEndingWithAWholeLineGetsNoNewlineOfTheNextServer() throws Exception {
		try (InputStream client = openForReading()) {
			int held = leaveInPipe(3 * (LINE.length() + 1));
			PipeServer server = this.pipes.start(this.settings);
			server.send("after".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5)).until(() -> server.getStatistics().getSentMessages() == 1);
			assertThat(PipeContents.unreadBytes(this.pipes.out())).isEqualTo(held + "after\n".length());
			assertThat(readUntil(client, "after")).containsExactly(LINE, LINE, LINE, "after");
		}
	}

	/**
	 * Open the out pipe for reading, as a client that holds it open across the servers'
	 * runs: what the pipe holds is then kept for it.
	 */
	private InputStream openForReading() throws Exception {
		// A writer of the test's own, so that the open does not wait for one.
		int writer = Posix.open(this.pipes.out().toString(), Posix.O_RDWR | Posix.O_NONBLOCK);
		try {
			return new FileInputStream(this.pipes.out().toFile());
		}
		finally {
			Posix.close(writer);
		}
	}

	/**
	 * Leave what a writer cut short leaves in the out pipe (a server killed mid-write, or
	 * one whose stop cut a line): whole lines, then the start of one.
	 * @param bytes how much to write, at most what the pipe takes
	 * @return the bytes the pipe holds
	 */
	private int leaveInPipe(int bytes) throws Exception {
		byte[] lines = (LINE + "\n").repeat(1 + 1024 * 1024 / (LINE.length() + 1)).getBytes(StandardCharsets.US_ASCII);
		int length = Math.min(bytes, lines.length);
		Memory memory = new Memory(length);
		memory.write(0, lines, 0, length);
		int writer = Posix.open(this.pipes.out().toString(), Posix.O_RDWR | Posix.O_NONBLOCK);
		try {
			int written = 0;
			int taken;
			while (written < length && (taken = Posix.writeNow(writer, memory.share(written), length - written)) > 0) {
				written += taken;
			}
			assertThat(PipeContents.unreadBytes(this.pipes.out())).isEqualTo(written);
			return written;
		}
		finally {
			Posix.close(writer);
		}
	}

	private static List<String> readUntil(InputStream client, String last) throws Exception {
		BufferedReader reader = new BufferedReader(new InputStreamReader(client, StandardCharsets.UTF_8));
		List<String> lines = new ArrayList<>();
		String line;
		while ((line = reader.readLine()) != null) {
			lines.add(line);
			if (line.endsWith(last)) {
				break;
			}
		}
		return lines;
	}

}
