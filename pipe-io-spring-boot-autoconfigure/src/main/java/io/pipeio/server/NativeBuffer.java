package io.pipeio.server;

import java.nio.ByteBuffer;

import com.sun.jna.Memory;

/**
 * Native memory that the event loop engine reads into or writes from, and the array the
 * bytes are copied from or to: a native call takes the memory without copying a whole
 * array in and out, and the framer and the encoder work on the array.
 * <p>
 * The copies go through a direct buffer over the memory, which the JIT copies with its
 * own code, rather than through {@link Memory}'s read and write, each a JNI call. A round
 * trip of a ping-pong makes one of each on its way: measured for a 100-byte line, the two
 * took 50–80 ns through JNI and 12–20 ns this way; a full chunk costs the same either
 * way.
 *
 * @author pipe-io
 */
final class NativeBuffer {

	final Memory memory;

	final byte[] bytes;

	private final ByteBuffer view;

	NativeBuffer(int size) {
		this.memory = new Memory(size);
		this.bytes = new byte[size];
		this.view = this.memory.getByteBuffer(0, size);
	}

	/**
	 * Copy the first bytes of the memory, just read into it, to the array.
	 * @param length how many
	 */
	void copyToArray(int length) {
		this.view.get(0, this.bytes, 0, length);
	}

	/**
	 * Copy bytes to the start of the memory, to be written from there.
	 * @param source the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	void copyToMemory(byte[] source, int offset, int length) {
		this.view.put(0, source, offset, length);
	}

}
