resource "aws_lb" "portal" {
  name               = "${local.name}-portal"
  load_balancer_type = "application"
  internal           = false
  tags               = local.tags
}

resource "aws_lb_target_group" "portal" {
  name     = "${local.name}-portal"
  port     = 8443
  protocol = "HTTPS"
}

# Mistake: the security policy of 2016 still accepts TLS 1.0 and 1.1.
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = "arn:aws:acm:us-east-1:111122223333:certificate/portal"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.portal.arn
  }
}

# Mistake: port 80 forwards to the portal instead of redirecting to HTTPS.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.portal.arn
  }
}
