package io.pipeio.test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PipeIoTest} in a plain JUnit test: a private directory per test method, shared
 * by the method's parameters and its {@code @BeforeEach}, removed after the method.
 */
@PipeIoTest
class PipeIoTestExtensionTests {

	private static final List<Path> seen = new ArrayList<>();

	private PipeTestDirectory beforeEach;

	@BeforeEach
	void remember(PipeTestDirectory directory) {
		this.beforeEach = directory;
	}

	@Test
	void eachTestGetsAPrivateDirectory(PipeTestDirectory directory) throws Exception {
		seen.add(directory.path());
		assertThat(directory).isSameAs(this.beforeEach);
		assertThat(directory.path()).isDirectory().isAbsolute().isEqualTo(directory.path().toRealPath());
		assertThat(PosixFilePermissions
			.toString(Files.getPosixFilePermissions(directory.path(), LinkOption.NOFOLLOW_LINKS)))
			.isEqualTo("rwx------");
	}

	@Test
	void theDirectoryReachesAContextRunnerAsAProperty(PipeTestDirectory directory) {
		seen.add(directory.path());
		new ApplicationContextRunner().withPropertyValues(directory.property())
			.run((context) -> assertThat(context.getEnvironment().getProperty("pipe-io.directory"))
				.isEqualTo(directory.path().toString()));
	}

	@Test
	void theDirectoryGoesWithItsFifosAndLinksButNotWhatTheLinksPointAt(PipeTestDirectory directory) throws Exception {
		seen.add(directory.path());
		FifoPeer.mkfifos(directory.path(), "echo");
		Path outside = Files.createTempFile("pipe-io-test-outside-", ".txt");
		try {
			Files.createSymbolicLink(directory.path().resolve("link"), outside);
			Files.createDirectories(directory.path().resolve("nested/deeper"));
			directory.close();
			assertThat(directory.path()).doesNotExist();
			assertThat(outside).exists();
			directory.close();
		}
		finally {
			Files.delete(outside);
		}
	}

	@AfterAll
	static void everyDirectoryWasRemoved() {
		assertThat(seen).hasSize(3).doesNotHaveDuplicates().allSatisfy((path) -> assertThat(path).doesNotExist());
	}

}
