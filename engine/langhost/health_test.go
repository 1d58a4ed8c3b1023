package main

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// countingEngine answers health checks and says when it has.
type countingEngine struct {
	healthpb.UnimplementedHealthServer
	checked chan struct{}
}

func (e *countingEngine) Check(context.Context, *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	select {
	case e.checked <- struct{}{}:
	default:
	}
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func TestWatchEngine(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	engine := &countingEngine{checked: make(chan struct{}, 1)}
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, engine)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	gone, err := watchEngine(lis.Addr().String(), 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}

	// While the engine answers, the host keeps serving: after three answered checks it has not been told to stop.
	for i := 0; i < 3; i++ {
		select {
		case <-engine.checked:
		case <-time.After(10 * time.Second):
			t.Fatal("the engine was never asked whether it is there")
		}
	}
	select {
	case <-gone:
		t.Fatal("the host was told to stop while the engine answers")
	default:
	}

	// The engine goes away (a killed CLI): the host is told to stop.
	srv.Stop()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the host was not told to stop after the engine went away")
	}
}
