/*
 * pipe-io client in C# for Mono (no NuGet packages): one request/reply on each of the echo, upper
 * and calc channels, or, with --stdio, a plug-in that answers each line of stdin on stdout.
 *
 *   mcs -r:Mono.Posix -out:client.exe Client.cs
 *   mono client.exe [DIR]      (DIR defaults to ${TMPDIR:-/tmp}/pipe-io)
 *   mono client.exe --stdio    (plug-in mode: each line in, the line upper-cased out)
 *
 * Each channel is two FIFOs: write a request line to DIR/<channel>.in, read the reply line
 * from DIR/<channel>.out. Exit status: 0 = all checks passed, 1 = a check failed, a pipe is
 * missing or not a FIFO, or the server went away, 2 = timed out (no server answering).
 */
using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Mono.Unix;
using Mono.Unix.Native;

public static class Client
{
	const int TimeoutSeconds = 10;

	static readonly Encoding Utf8 = new UTF8Encoding(false);

	static string dir;

	public static int Main(string[] args)
	{
		if (args.Length > 0 && args[0] == "--stdio")
			return Plugin(Console.OpenStandardInput(), Console.OpenStandardOutput());
		string tmp = Environment.GetEnvironmentVariable("TMPDIR");
		dir = args.Length > 0 ? args[0] : Path.Combine(string.IsNullOrEmpty(tmp) ? "/tmp" : tmp, "pipe-io");

		// Watchdog: the overall time budget. An open(2) of a FIFO that no server holds blocks in
		// native code, and Environment.Exit would wait for that thread: _exit(2) ends the process.
		var watchdog = new Thread(() =>
		{
			Thread.Sleep(TimeoutSeconds * 1000);
			Console.Error.WriteLine("timed out after {0} s (is the server running on {1}?)", TimeoutSeconds, dir);
			Console.Out.Flush();
			Syscall._exit(2);
		});
		watchdog.IsBackground = true; // does not keep the process alive once Main is done
		watchdog.Start();

		bool ok = true;
		// echo: the reply is byte for byte the request.
		ok &= Check("echo", "hello pipe-io", reply => reply == "hello pipe-io");
		// upper: the reply is the line upper-cased (UTF-8).
		ok &= Check("upper", "h\u00e9llo w\u00f6rld", reply => reply == "H\u00c9LLO W\u00d6RLD");
		// calc: JSON in, JSON out; Mono's default references have no JSON parser, a regex is enough.
		ok &= Check("calc", "{\"op\":\"add\",\"a\":1,\"b\":2}", reply =>
		{
			Match m = Regex.Match(reply, "\"result\"\\s*:\\s*(-?[0-9.eE+-]+)");
			double value;
			return m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
				&& value == 3; // numeric: 3 and 3.0 both pass
		});
		return ok ? 0 : 1;
	}

	static bool Check(string channel, string request, Func<string, bool> passed)
	{
		try
		{
			string reply = Request(channel, request);
			if (passed(reply))
			{
				Console.WriteLine("{0}: ok", channel);
				return true;
			}
			Console.Error.WriteLine("{0}: FAILED: unexpected reply '{1}'", channel, Escape(reply));
		}
		catch (EndOfStreamException ex) // the server went away
		{
			// Stop here: the other channels' FIFOs have nobody holding them any more, and
			// opening one would block until the timeout.
			Console.Error.WriteLine("{0}: FAILED: {1}", channel, ex.Message);
			Environment.Exit(1);
		}
		catch (Exception ex) // missing FIFO, not a FIFO, ...
		{
			Console.Error.WriteLine("{0}: FAILED: {1}", channel, ex.Message);
		}
		return false;
	}

	/// <summary>
	/// The text with its control characters and backslashes escaped (\r, \t, \u0001, ...), so that
	/// a stray '\r' at the end of a reply shows.
	/// </summary>
	static string Escape(string text)
	{
		var escaped = new StringBuilder();
		foreach (char c in text)
		{
			if (c == '\\')
				escaped.Append("\\\\");
			else if (c == '\r')
				escaped.Append("\\r");
			else if (c == '\t')
				escaped.Append("\\t");
			else if (c < ' ' || c == '\x7f')
				escaped.AppendFormat("\\u{0:x4}", (int) c);
			else
				escaped.Append(c);
		}
		return escaped.ToString();
	}

	/// <summary>Send one line to a channel and return its reply line (UTF-8, without the newline).</summary>
	static string Request(string channel, string line)
	{
		if (line.Contains('\n'))
		{
			// it would be two requests, and the second's reply would answer the next call
			throw new ArgumentException("a line must not contain a newline");
		}
		using (Stream input = OpenFifo(Path.Combine(dir, channel + ".in"), OpenFlags.O_WRONLY))
		using (Stream output = OpenFifo(Path.Combine(dir, channel + ".out"), OpenFlags.O_RDONLY))
		{
			// One write(2) for the whole line, newline included: short lines never interleave.
			byte[] bytes = Utf8.GetBytes(line + "\n");
			input.Write(bytes, 0, bytes.Length);
			byte[] reply = ReadLine(output);
			if (reply == null)
				throw new EndOfStreamException(channel + ".out closed before a full reply line arrived: the server went away");
			return Utf8.GetString(reply);
		}
	}

	/// <summary>
	/// open(2) without O_CREAT, so a missing FIFO is an error and never a new regular file (a
	/// FileStream with FileMode.Open would do too, but cannot tell a FIFO from a file); then refuse
	/// anything that is not a FIFO before a byte is written. fstat checks the opened file, so the
	/// path cannot be swapped in between. With the server running neither open blocks.
	/// </summary>
	static Stream OpenFifo(string path, OpenFlags flags)
	{
		int fd = Syscall.open(path, flags);
		if (fd < 0)
			throw new IOException("cannot open " + path + ": " + UnixMarshal.GetErrorDescription(Stdlib.GetLastError()));
		Stat stat;
		if (Syscall.fstat(fd, out stat) != 0 || (stat.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFIFO)
		{
			Syscall.close(fd);
			throw new IOException(path + " is not a FIFO (is the server running on this directory?)");
		}
		return new UnixStream(fd, true);
	}

	/// <summary>
	/// Read bytes up to '\n', one byte at a time so nothing after the line is taken from the pipe.
	/// Unlike TextReader.ReadLine this splits on '\n' only, as the protocol does, so a '\r' inside a
	/// line survives. Returns null at EOF before a '\n'.
	/// </summary>
	static byte[] ReadLine(Stream pipe)
	{
		var line = new MemoryStream();
		while (true)
		{
			int b = pipe.ReadByte();
			if (b < 0)
				return null;
			if (b == '\n')
				return line.ToArray();
			line.WriteByte((byte) b);
		}
	}

	/// <summary>
	/// Plug-in mode: answer each request line with the line upper-cased, as the sample's upper channel
	/// does, until EOF (the host stopped, or died). One reply line per request, flushed at once: the
	/// n-th reply answers the n-th request, and a buffered answer keeps its caller waiting.
	/// </summary>
	static int Plugin(Stream stdin, Stream stdout)
	{
		Console.Error.WriteLine("csharp plug-in ready");
		var lines = new BufferedStream(stdin);
		byte[] line;
		while ((line = ReadLine(lines)) != null) // a last line without '\n' is dropped, as the host does
		{
			byte[] reply = Utf8.GetBytes(Utf8.GetString(line).ToUpperInvariant() + "\n");
			try
			{
				stdout.Write(reply, 0, reply.Length);
				stdout.Flush();
			}
			catch (IOException ex) // the host went away (EPIPE; Mono ignores SIGPIPE)
			{
				// One line, not an unhandled exception and its stack trace. Mono says "Write fault"
				// for EPIPE.
				Console.Error.WriteLine("csharp plug-in: cannot write to stdout: {0}", ex.Message);
				return 1;
			}
		}
		return 0;
	}
}
