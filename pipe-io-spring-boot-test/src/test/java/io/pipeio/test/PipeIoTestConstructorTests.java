package io.pipeio.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PipeIoTest} in a plain JUnit test whose constructor takes the directory: it is
 * the test method's own, as a parameter of the method is; a directory taken in
 * {@code @BeforeAll} is the class's and is not handed to the methods.
 */
@PipeIoTest
class PipeIoTestConstructorTests {

	private static final List<Path> seen = new ArrayList<>();

	private static PipeTestDirectory beforeAll;

	private final PipeTestDirectory constructed;

	PipeIoTestConstructorTests(PipeTestDirectory directory) {
		this.constructed = directory;
	}

	@BeforeAll
	static void takeOneForTheClass(PipeTestDirectory directory) {
		beforeAll = directory;
	}

	@Test
	void first(PipeTestDirectory directory) {
		check(directory);
	}

	@Test
	void second(PipeTestDirectory directory) {
		check(directory);
	}

	private void check(PipeTestDirectory directory) {
		assertThat(directory).isSameAs(this.constructed).isNotSameAs(beforeAll);
		assertThat(directory.path()).isDirectory();
		seen.add(directory.path());
	}

	@AfterAll
	static void eachMethodHadItsOwnDirectoryAndItWasRemoved() {
		assertThat(seen).hasSize(2).doesNotHaveDuplicates().allSatisfy((path) -> assertThat(path).doesNotExist());
		assertThat(beforeAll.path()).isDirectory();
	}

}
