package io.pipeio.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import io.pipeio.deadletter.DeadLetter;
import io.pipeio.deadletter.DeadLetterFile;
import io.pipeio.deadletter.DeadLetterFiles;
import io.pipeio.deadletter.DeadLetterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The directory of a dead-letter file is checked as a pipe directory is: another user's
 * link on the way, which would send the records into a file of their choosing, is
 * refused, and nothing is written.
 */
class DeadLetterDirectoryTests {

	@TempDir
	Path dir;

	@Test
	void deadLettersAreNeverWrittenThroughAnotherUsersLink() throws Exception {
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx--x--x"));
		Path app = Files.createDirectory(this.dir.resolve("app"));
		Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx--x--x"));
		// A file of this user that others may read.
		Path victim = Files.writeString(app.resolve("calc.jsonl"), "this user's world-readable file\n");
		Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
		Path shared = Files.createDirectory(this.dir.resolve("shared"));
		try (TestUser intruder = TestUser.create()) {
			TestProcesses.run("chown", intruder.uid + ":" + intruder.gid, shared.toString());
			intruder.python("import os, sys; os.symlink(sys.argv[1], sys.argv[2])", app.toString(),
					shared.resolve("dl").toString());
			DeadLetterFiles files = new DeadLetterFiles();
			DeadLetterFile file = files.get(new DeadLetterSettings(shared.resolve("dl/calc.jsonl"), 1 << 20, 2));
			try {
				assertThatExceptionOfType(UnsafeDirectoryException.class)
					.isThrownBy(() -> file.write(new DeadLetter(Instant.now(), "calc", DropReason.HANDLER_ERROR,
							"{\"card\":\"4111-secret\"}".getBytes(StandardCharsets.UTF_8), 22, 1, null,
							StandardCharsets.UTF_8)))
					.withMessageContaining("Cannot keep dead letters (calc.jsonl) in " + shared.resolve("dl"));
			}
			finally {
				files.closeAll();
			}
			assertThat(victim).hasContent("this user's world-readable file");
		}
	}

}
