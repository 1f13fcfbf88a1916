module pipe-io.example/client

go 1.19
