// Command ferretdb is LAPOR's local MongoDB-wire server: FerretDB v1 with the
// SQLite backend, listening on loopback only, for development and tests.
//
// Why this wrapper exists: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.x`
// builds a binary that panics at start, because FerretDB's own main package
// demands a build/version/version.txt that only its release tooling generates.
// The embeddable package github.com/FerretDB/FerretDB/ferretdb has no such
// requirement and always disables telemetry, so we run that instead.
// `-ping` sends a real wire-protocol ping to -listen-addr (readiness/status check
// without a Python driver). Built and run by deploy/local/ferretdb.sh; FerretDB
// is only a dependency here.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/FerretDB/wire/wireclient"
)

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	listen := flag.String("listen-addr", env("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"), "TCP listen address [FERRETDB_LISTEN_ADDR]")
	stateDir := flag.String("state-dir", env("FERRETDB_STATE_DIR", "data"), "SQLite state directory [FERRETDB_STATE_DIR]")
	logLevel := flag.String("log-level", env("FERRETDB_LOG_LEVEL", "info"), "debug, info, warn or error [FERRETDB_LOG_LEVEL]")
	ping := flag.Bool("ping", false, "ping the server at -listen-addr and exit 0 if it answers")
	flag.Parse()

	if *ping {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		conn, err := wireclient.Connect(ctx, "mongodb://"+*listen+"/", slog.New(slog.DiscardHandler))
		if err == nil {
			defer conn.Close()
			err = conn.Ping(ctx)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ferretdb: ping:", err)
			os.Exit(1)
		}
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: bad -log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*stateDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		logger.Error("cannot prepare state dir", "dir", *stateDir, "err", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "err", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	logger.Info("FerretDB running", "version", ferretVersion(), "listen", *listen, "state_dir", dir)
	_ = f.Run(ctx) // returns once ctx is cancelled and all connections are closed
	logger.Info("FerretDB stopped")
}

// ferretVersion reports the FerretDB module version linked into this binary.
func ferretVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/FerretDB/FerretDB" {
				return d.Version
			}
		}
	}
	return "unknown"
}
