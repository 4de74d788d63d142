print("Hello from Docker optimization demo!")
